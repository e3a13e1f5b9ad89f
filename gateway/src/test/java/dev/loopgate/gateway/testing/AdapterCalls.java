package dev.loopgate.gateway.testing;

import dev.loopgate.gateway.provider.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A test's side of a call to a {@code ProviderAdapter}: wait for its answer or its failure,
 * and read the answer's body the ways the gateway does.
 */
public final class AdapterCalls {
    private AdapterCalls() {
    }

    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(Poll.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The failure the future completes with; fails the test when it succeeds instead. */
    public static Throwable failure(Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(Poll.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure, got " + future.result());
    }

    /** Reads the whole body in flowing mode, as the forward stage does for whole answers. */
    public static String read(Vertx vertx, UpstreamResponse response) {
        Promise<String> body = Promise.promise();
        vertx.runOnContext(v -> {
            Buffer all = Buffer.buffer();
            response.body().handler(all::appendBuffer);
            response.body().exceptionHandler(body::tryFail);
            response.body().endHandler(end -> body.tryComplete(all.toString()));
            response.body().resume();
        });
        return await(body.future());
    }

    /**
     * Reads the whole body paused, asking for one buffer at a time and for the next only once
     * the last arrived, as the relay does toward a slow client. A buffer that arrives without
     * having been asked for fails the read: the body must honour the reader's demand.
     */
    public static String readFetchingOneAtATime(Vertx vertx, ReadStream<Buffer> stream) {
        Promise<String> body = Promise.promise();
        vertx.runOnContext(v -> {
            Buffer all = Buffer.buffer();
            long[] asked = {0};
            stream.pause();
            stream.handler(chunk -> {
                if (asked[0]-- <= 0) {
                    body.tryFail(new AssertionError("a buffer arrived that was not asked for, after: " + all));
                    return;
                }
                all.appendBuffer(chunk);
                vertx.runOnContext(next -> {
                    asked[0]++;
                    stream.fetch(1);
                });
            });
            stream.exceptionHandler(body::tryFail);
            stream.endHandler(end -> body.tryComplete(all.toString()));
            asked[0]++;
            stream.fetch(1);
        });
        return await(body.future());
    }
}
