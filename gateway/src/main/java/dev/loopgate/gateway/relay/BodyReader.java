package dev.loopgate.gateway.relay;

import dev.loopgate.gateway.provider.UpstreamException;
import dev.loopgate.gateway.provider.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Reads a whole upstream body that must be inspected before the client sees it (a
 * non-stream answer, an error), bounded in size and in time between chunks.
 */
public final class BodyReader {
    private BodyReader() {
    }

    public static Future<Buffer> read(Vertx vertx, UpstreamResponse response, long idleMs, long deadlineNanos,
            long maxBytes) {
        Promise<Buffer> result = Promise.promise();
        Buffer body = Buffer.buffer();
        ReadStream<Buffer> stream = response.body();
        long totalMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        long[] idleTimer = {-1};
        long totalTimer = vertx.setTimer(totalMs, id -> fail(response, result, UpstreamException.Kind.TOTAL_TIMEOUT,
                "the total time limit passed"));
        Runnable armIdle = () -> {
            if (idleTimer[0] >= 0) {
                vertx.cancelTimer(idleTimer[0]);
            }
            idleTimer[0] = vertx.setTimer(idleMs, id -> fail(response, result, UpstreamException.Kind.IDLE_TIMEOUT,
                    "no data for " + idleMs + " ms"));
        };
        armIdle.run();
        result.future().onComplete(done -> {
            vertx.cancelTimer(totalTimer);
            vertx.cancelTimer(idleTimer[0]);
        });
        stream.handler(chunk -> {
            if (result.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > maxBytes) {
                response.cancel();
                result.tryFail(new UpstreamException(UpstreamException.Kind.CONNECTION_LOST,
                        "the upstream body exceeded " + maxBytes + " bytes", null));
                return;
            }
            body.appendBuffer(chunk);
            armIdle.run();
        });
        stream.exceptionHandler(e -> result.tryFail(new UpstreamException(UpstreamException.Kind.CONNECTION_LOST,
                "the connection was lost while reading the answer", e)));
        stream.endHandler(v -> result.tryComplete(body));
        stream.resume();
        return result.future();
    }

    private static void fail(UpstreamResponse response, Promise<Buffer> result, UpstreamException.Kind kind,
            String why) {
        if (result.tryFail(new UpstreamException(kind, why, null))) {
            response.cancel();
        }
    }
}
