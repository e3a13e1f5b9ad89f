package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BudgetDecision;
import dev.loopgate.budgets.ledger.LoopEvent;
import dev.loopgate.budgets.ledger.LoopFacts;
import dev.loopgate.budgets.ledger.LoopState;
import dev.loopgate.budgets.ledger.LoopStatus;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.Reservation;
import dev.loopgate.budgets.ledger.ReserveRequest;
import dev.loopgate.budgets.ledger.SettleResult;
import dev.loopgate.budgets.ledger.Trip;
import java.util.ArrayList;
import java.util.List;

/** Turns the scripts' replies (documented at the top of each script) into the ledger's values. */
public final class RedisReplies {
    private RedisReplies() {
    }

    /** A reply of reserve_v1. */
    public static BudgetDecision decision(List<Object> reply, ReserveRequest request, String id, long expiresAt,
            String keyDay) {
        long outcome = number(reply, 0);
        if (outcome == 1) {
            long spent = number(reply, 2);
            long reserved = number(reply, 3);
            long usd = number(reply, 4);
            int cell = (int) number(reply, 6);
            Reservation reservation = new Reservation(id, request.loopId(), request.keyName(),
                    request.choices().nanos(cell), request.choices().tokens(cell), expiresAt, (String) reply.get(1),
                    keyDay);
            return new BudgetDecision.Allowed(reservation, usd > 0 ? (double) (spent + reserved) / usd : 0,
                    number(reply, 5), cell, new BudgetDecision.Pace(number(reply, 7), number(reply, 8),
                            number(reply, 9), number(reply, 10), number(reply, 11)));
        }
        if (outcome == 2) {
            long usd = number(reply, 4);
            return new BudgetDecision.Declined((int) number(reply, 1),
                    usd > 0 ? (double) (number(reply, 2) + number(reply, 3)) / usd : 0, number(reply, 5));
        }
        RefusalReason reason = RefusalReason.valueOf((String) reply.get(1));
        return switch (reason) {
            case LOOP_PAUSED -> {
                Trip trip = Codec.trip(request.loopId(), (String) reply.get(2));
                yield new BudgetDecision.Refused(reason, Texts.paused(trip), trip);
            }
            case BUDGET_EXCEEDED -> new BudgetDecision.Refused(reason, "usd".equals(reply.get(3))
                    ? Texts.budgetExceeded(request.loopId(), number(reply, 4), number(reply, 5), number(reply, 6),
                            (String) reply.get(7))
                    : Texts.tokensExceeded(request.loopId(), number(reply, 4), number(reply, 5), number(reply, 6),
                            (String) reply.get(7)), null);
            case KEY_CAP_EXCEEDED -> throw new IllegalStateException("the loop's script does not see the key's cap");
        };
    }

    /** A reply of settle_v1, and whether it charged the reservation. */
    public static boolean charged(List<Object> reply) {
        return number(reply, 0) == 1;
    }

    /** A reply of settle_v1 or charge_v1. */
    public static SettleResult settleResult(String loopId, List<Object> reply) {
        return new SettleResult(number(reply, 1), Codec.trip(loopId, (String) reply.get(2)));
    }

    /** The count in a reply of loop_v1: how many reservations it expired. */
    public static int expired(List<Object> reply) {
        return (int) number(reply, 0);
    }

    /** A reply of loop_v1's peek. */
    public static LoopFacts facts(String loopId, List<Object> reply) {
        long usd = number(reply, 4);
        double budgetUsed = usd > 0 ? (double) (number(reply, 2) + number(reply, 3)) / usd : 0;
        return new LoopFacts(Codec.trip(loopId, (String) reply.get(1)), budgetUsed, number(reply, 5));
    }

    /** A reply of loop_v1's status, pause, resume and limits. */
    public static LoopStatus status(String loopId, List<Object> reply) {
        List<LoopEvent> history = new ArrayList<>();
        for (Object event : (List<?>) reply.get(10)) {
            history.add(Codec.event((String) event));
        }
        return new LoopStatus(loopId, LoopState.valueOf((String) reply.get(1)), number(reply, 3), number(reply, 4),
                number(reply, 5), number(reply, 6), number(reply, 7), Codec.override((String) reply.get(8)),
                Codec.trip(loopId, (String) reply.get(2)), history, number(reply, 9), number(reply, 11));
    }

    /** A reply of key_v1: 1 if it was done (reserve: the amount fits), and what was spent or reserved before. */
    public static boolean done(List<Object> reply) {
        return number(reply, 0) == 1;
    }

    public static long keyUsed(List<Object> reply) {
        return number(reply, 1);
    }

    private static long number(List<Object> reply, int index) {
        Object value = reply.get(index);
        return value == null ? 0 : ((Number) value).longValue();
    }
}
