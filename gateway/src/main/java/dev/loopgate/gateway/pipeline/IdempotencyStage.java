package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.idempotency.IdempotencyClaim;
import dev.loopgate.budgets.idempotency.IdempotencyStore;
import dev.loopgate.budgets.idempotency.StoredAnswer;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Idempotency-Key}: the first call with a key runs and its answer is kept; a repeat
 * with the same body gets that answer again — streams chunk by chunk — and is not charged;
 * the same key with another body is refused (409); a repeat arriving while the first runs
 * waits for it. Failed calls are not kept, so a retry runs again.
 */
public final class IdempotencyStage implements Stage {
    static final String HEADER = "Idempotency-Key";
    static final String REPLAY_HEADER = "x-loopgate-idempotent-replay";
    static final int MAX_KEY_LENGTH = 256;
    /** How long a repeat waits for the first call with its key to finish. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final BudgetStore budgetStore;
    private final IdempotencyStore store;
    private final boolean bestEffort;
    private final Duration renewEvery;

    /**
     * @param bestEffort when the store cannot be reached, run the call without the key's
     *        protection rather than refuse it (the {@code on_redis_down: allow} policy)
     * @param lease how long the store's claims last unrenewed; a running call renews its claim three times as often
     */
    public IdempotencyStage(BudgetStore budgetStore, IdempotencyStore store, boolean bestEffort, Duration lease) {
        this.budgetStore = budgetStore;
        this.store = store;
        this.bestEffort = bestEffort;
        this.renewEvery = lease.dividedBy(3);
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        String key = exchange.requestHeaders().get(HEADER);
        if (key == null) {
            return next.proceed(exchange);
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "'" + HEADER + "' must be 1-" + MAX_KEY_LENGTH + " characters.", HEADER);
        }
        String scope = exchange.key().name() + "\n" + exchange.loop().loopId() + "\n" + key;
        Future<IdempotencyClaim> claimed = bestEffort
                ? Future.fromCompletionStage(store.claim(scope, sha256(exchange.body()), WAIT), Vertx.currentContext())
                        .recover(unreachable -> Future.succeededFuture(null))
                : budgetStore.call(store.claim(scope, sha256(exchange.body()), WAIT));
        return claimed.compose(claim -> {
            if (claim == null) {
                return next.proceed(exchange);
            }
            if (claim instanceof IdempotencyClaim.First first) {
                return runFirst(exchange, next, scope, first.token());
            }
            if (claim instanceof IdempotencyClaim.Replay replay) {
                return Future.succeededFuture(replay(exchange, replay.answer()));
            }
            if (claim instanceof IdempotencyClaim.Conflict) {
                throw new GatewayException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "The Idempotency-Key '" + key
                        + "' was already used with a different request body.", HEADER);
            }
            throw new GatewayException(ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT, "The first call with Idempotency-Key '"
                    + key + "' is still running; retry shortly to get its answer.", HEADER);
        });
    }

    private Future<Reply> runFirst(Exchange exchange, Chain next, String scope, String token) {
        List<byte[]> streamed = new ArrayList<>();
        exchange.streamCapture(streamed);
        Vertx vertx = Vertx.currentContext().owner();
        // the claim's lease is short so a crashed replica frees it soon; this replica keeps it while the call runs
        long renewing = vertx.setPeriodic(renewEvery.toMillis(), id -> store.renew(scope, token));
        return next.proceed(exchange).andThen(done -> {
            vertx.cancelTimer(renewing);
            StoredAnswer answer = done.succeeded() ? kept(exchange, done.result(), streamed) : null;
            if (answer == null) {
                store.abandon(scope, token);
            } else {
                store.complete(scope, token, answer);
            }
        });
    }

    /** The answer to keep, or null when there is none worth giving again (a failure, an unfinished stream). */
    private static StoredAnswer kept(Exchange exchange, Reply reply, List<byte[]> streamed) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.responseHeaders().forEach(header -> {
            if (header.getKey().startsWith("x-loopgate-")) {
                headers.put(header.getKey(), header.getValue());
            }
        });
        if (reply instanceof Reply.Complete complete) {
            return complete.status() / 100 == 2
                    ? StoredAnswer.whole(complete.status(), complete.contentType(), headers, complete.body().getBytes())
                    : null;
        }
        Reply.Streamed stream = (Reply.Streamed) reply;
        return stream.end() == Reply.StreamEnd.COMPLETED
                ? new StoredAnswer(200, "text/event-stream; charset=utf-8", headers, streamed) : null;
    }

    private static Reply replay(Exchange exchange, StoredAnswer answer) {
        MultiMap headers = exchange.responseHeaders();
        answer.headers().forEach(headers::set);
        headers.set(REPLAY_HEADER, "true");
        if (answer.chunks().size() == 1 && !"text/event-stream; charset=utf-8".equals(answer.contentType())) {
            return new Reply.Complete(answer.status(), answer.contentType(), Buffer.buffer(answer.chunks().get(0)),
                    Usage.NONE, null);
        }
        HttpServerResponse response = exchange.response();
        response.setStatusCode(answer.status()).setChunked(true);
        response.headers().addAll(headers);
        response.putHeader("content-type", answer.contentType());
        answer.chunks().forEach(chunk -> response.write(Buffer.buffer(chunk)));
        response.end();
        return new Reply.Streamed(Reply.StreamEnd.COMPLETED, Usage.NONE, null, "");
    }

    private static String sha256(Buffer body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
