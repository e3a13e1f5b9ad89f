package dev.loopgate.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request a {@link TestUpstream} received, as it arrived: path, headers and body,
 * and whether the connection that carried it has since been closed.
 */
public final class ReceivedRequest {
    private final String method;
    private final String path;
    private final MultiMap headers;
    private final String body;
    private final CompletableFuture<Void> connectionClosed;
    private final Runnable cut;
    private final long receivedAtNanos = System.nanoTime();

    ReceivedRequest(String method, String path, MultiMap headers, String body,
            CompletableFuture<Void> connectionClosed, Runnable cut) {
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.body = body;
        this.connectionClosed = connectionClosed;
        this.cut = cut;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public MultiMap headers() {
        return headers;
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String body() {
        return body;
    }

    public JsonNode json() {
        return Fixtures.parse(body);
    }

    /**
     * When the whole request had arrived ({@link System#nanoTime()}), for ordering assertions
     * such as "the retry came no earlier than Retry-After said"; never for speed.
     */
    public long receivedAtNanos() {
        return receivedAtNanos;
    }

    public boolean isConnectionClosed() {
        return connectionClosed.isDone();
    }

    /** True once the connection that carried this request closes; false if it is still open at the timeout. */
    public boolean awaitConnectionClosed(Duration timeout) {
        try {
            connectionClosed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the connection this request arrived on, from the upstream's side, whatever it is doing. */
    public void cut() {
        cut.run();
    }

    @Override
    public String toString() {
        return method + " " + path + " " + body;
    }
}
