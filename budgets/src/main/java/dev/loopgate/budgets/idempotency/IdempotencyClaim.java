package dev.loopgate.budgets.idempotency;

import java.util.Objects;

/** What {@link IdempotencyStore#claim} found for an idempotency key. */
public sealed interface IdempotencyClaim
        permits IdempotencyClaim.First, IdempotencyClaim.Replay, IdempotencyClaim.Conflict, IdempotencyClaim.InFlight {

    /**
     * The caller owns the slot: run the call, then {@link IdempotencyStore#complete complete} or
     * {@link IdempotencyStore#abandon abandon} with this token.
     */
    record First(String token) implements IdempotencyClaim {
        public First {
            Objects.requireNonNull(token, "token");
        }
    }

    /** The same call (same body) was answered before: give this answer again, charge nothing. */
    record Replay(StoredAnswer answer) implements IdempotencyClaim {
        public Replay {
            Objects.requireNonNull(answer, "answer");
        }
    }

    /** The same idempotency key was used with a different body. */
    record Conflict() implements IdempotencyClaim {
    }

    /** The same call is still running elsewhere after the wait ran out. */
    record InFlight() implements IdempotencyClaim {
    }
}
