package dev.loopgate.gateway.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An answer read as it arrives, so a test can act in the middle of it: wait for some
 * text, cut the upstream, or leave by closing the connection.
 */
public final class StreamingCall {
    private final HttpConnection connection;
    private final CompletableFuture<HttpClientResponse> head = new CompletableFuture<>();
    private final StringBuffer text = new StringBuffer();
    private final CompletableFuture<String> ended = new CompletableFuture<>();

    StreamingCall(HttpConnection connection) {
        this.connection = connection;
    }

    /** Called on the event loop as soon as the status arrives, before any body byte is handed out. */
    void reading(HttpClientResponse response) {
        response.handler(chunk -> text.append(chunk.toString()));
        response.exceptionHandler(ended::completeExceptionally);
        response.endHandler(v -> ended.complete(text.toString()));
        head.complete(response);
    }

    void failed(Throwable failure) {
        head.completeExceptionally(failure);
        ended.completeExceptionally(failure);
    }

    /** Waits for the status line and headers. */
    public int status() {
        return get(head, "the response head").statusCode();
    }

    public String header(String name) {
        MultiMap headers = get(head, "the response head").headers();
        return headers.get(name);
    }

    /** The text received so far, once it contains {@code needle}. */
    public String awaitText(String needle) {
        return Poll.forValue(Poll.WAIT, () -> Optional.of(text.toString()).filter(t -> t.contains(needle)),
                "'" + needle + "' in the stream; got so far: " + text);
    }

    /** The whole body once the gateway has ended the response properly. */
    public String awaitEnd() {
        return get(ended, "the end of the stream");
    }

    /** Leaves the way a killed client does: the TCP connection is closed. */
    public void disconnect() {
        GatewayHarness.await(connection.close());
    }

    private <T> T get(CompletableFuture<T> future, String what) {
        try {
            return future.get(Poll.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; got so far: " + text, e);
        } catch (ExecutionException e) {
            throw new AssertionError("failed waiting for " + what + "; got so far: " + text, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
