package dev.loopgate.gateway.relay;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.UpstreamException;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import java.util.List;

/**
 * Relays one upstream SSE stream to the client event by event, as events complete,
 * with backpressure both ways. What it reads of each event, which it keeps from the
 * client and when the answer is complete is its dialect's ({@link StreamEvents}); it never
 * lets a failed stream look finished: without the upstream's end the client gets an error
 * event instead.
 *
 * <p>Nothing is sent to the client until the first event is ready, so a stream that
 * fails before that fails this relay's future and the caller may try another target.
 * Once a byte was sent the relay is bound to its upstream: a failure after that ends
 * the client's stream with an error event and completes the future with
 * {@link StreamEnd#UPSTREAM_FAILED}; it is never a failed future, so no caller can
 * fall back or retry into a stream the client is already reading.
 */
public final class StreamRelay {
    /**
     * How the relayed stream ended and what usage the upstream reported ({@link Usage#NONE}
     * when it sent none); {@code text} is what the stream carried, for counting then.
     */
    public record Result(StreamEnd end, Usage usage, CharSequence text) {
    }

    private final Vertx vertx;
    private final HttpServerResponse client;
    private final UpstreamResponse upstream;
    private final ReadStream<Buffer> source;
    private final MultiMap headers;
    private final StreamEvents events;
    private final long idleMs;
    private final long deadlineNanos;
    private final Promise<Result> result = Promise.promise();
    private final List<byte[]> capture;
    private final ToolCallGate gate;

    private Buffer pending;
    private boolean committed;
    private long idleTimer = -1;
    private long totalTimer = -1;

    /** The loop's tool scope, applied to the calls the model proposes as they stream. */
    public record ToolScoped(ToolCallPolicy policy, Dialect dialect, String loopId) {
    }

    /**
     * @param capture also receives every chunk sent to the client (to answer an idempotent
     *        repeat), or null
     * @param tools   the loop's tool scope, or null when any call may pass (the stream is then not parsed for calls)
     */
    public StreamRelay(Vertx vertx, HttpServerResponse client, UpstreamResponse upstream, MultiMap headers,
            StreamEvents events, long idleMs, long deadlineNanos, List<byte[]> capture, ToolScoped tools) {
        this.vertx = vertx;
        this.client = client;
        this.upstream = upstream;
        this.source = upstream.body();
        this.headers = headers;
        this.events = events;
        this.idleMs = idleMs;
        this.deadlineNanos = deadlineNanos;
        this.capture = capture;
        this.gate = tools == null ? null : new ToolCallGate(tools.policy(), tools.dialect(), tools.loopId(),
                new ToolCallGate.Outlet() {
                    @Override
                    public void deliver(Buffer events) {
                        write(events, 0, events.length());
                    }

                    @Override
                    public void refuse(GatewayException error, StreamEnd end) {
                        endByScope(error, end);
                    }
                });
    }

    /** Starts relaying; fails with {@link UpstreamException} only if nothing reached the client. */
    public Future<Result> run() {
        source.handler(this::onChunk);
        source.exceptionHandler(e -> onUpstreamFailed(ErrorCode.UPSTREAM_ERROR,
                UpstreamException.Kind.CONNECTION_LOST, "the upstream connection was lost mid-stream"));
        source.endHandler(v -> onUpstreamEnd());
        long totalMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        totalTimer = vertx.setTimer(totalMs, id -> onUpstreamFailed(ErrorCode.UPSTREAM_TIMEOUT,
                UpstreamException.Kind.TOTAL_TIMEOUT, "the stream passed its total time limit"));
        armIdle();
        source.resume();
        return result.future();
    }

    private void onChunk(Buffer chunk) {
        if (isFinished()) {
            return;
        }
        armIdle();
        Buffer data = pending == null ? chunk : pending.appendBuffer(chunk);
        int length = data.length();
        int start = 0;
        int keepFrom = 0;
        int end;
        while ((end = SseEvents.endOfEvent(data, start, length)) >= 0) {
            boolean kept = events.read(data, start, end);
            if (gate == null) {
                if (kept) {
                    write(data, keepFrom, start);
                    keepFrom = end;
                }
            } else if (!kept) {
                gate.offer(data, start, end);
                if (isFinished()) {
                    return;
                }
            }
            start = end;
        }
        if (gate == null) {
            write(data, keepFrom, start);
        }
        pending = start < length ? Buffer.buffer(length - start).appendBuffer(data, start, length - start) : null;
    }

    private void write(Buffer data, int from, int to) {
        if (to <= from) {
            return;
        }
        if (!committed) {
            commit();
        }
        Buffer chunk = data.slice(from, to);
        if (capture != null) {
            capture.add(chunk.getBytes());
        }
        client.write(chunk);
        if (client.writeQueueFull()) {
            source.pause();
            client.drainHandler(v -> source.resume());
        }
    }

    private void commit() {
        committed = true;
        client.setStatusCode(200);
        client.headers().addAll(headers);
        client.putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        client.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        client.putHeader("x-accel-buffering", "no");
        client.setChunked(true);
    }

    private void onUpstreamEnd() {
        if (isFinished()) {
            return;
        }
        if (pending != null) {
            // A last event without its blank line: judge it as complete.
            int length = pending.length();
            if (!events.read(pending, 0, length)) {
                Buffer last = pending.appendString("\n\n");
                if (gate == null) {
                    write(last, 0, last.length());
                } else {
                    gate.offer(last, 0, last.length());
                }
            }
            pending = null;
        }
        if (events.failedInBand()) {
            client.end();
            finish(StreamEnd.UPSTREAM_FAILED);
            return;
        }
        if (!events.completed()) {
            onUpstreamFailed(ErrorCode.UPSTREAM_ERROR, UpstreamException.Kind.CONNECTION_LOST,
                    "the upstream ended the stream before it finished");
            return;
        }
        if (gate == null) {
            client.end();
            finish(StreamEnd.COMPLETED);
        } else {
            gate.upstreamEnded(() -> {
                client.end();
                finish(StreamEnd.COMPLETED);
            });
        }
    }

    /** The tool scope refused the stream, or held it for approval: the client's stream ends with the error's event. */
    private void endByScope(GatewayException error, StreamEnd end) {
        if (isFinished()) {
            return;
        }
        if (!committed) {
            commit();
        }
        if (!client.closed()) {
            client.end(events.failureEvent(error));
        }
        finish(end);
        upstream.cancel();
    }

    private void onUpstreamFailed(ErrorCode code, UpstreamException.Kind kind, String why) {
        if (isFinished()) {
            return;
        }
        if (!committed) {
            // Nothing reached the client: the caller may still retry or fall back.
            cancelTimers();
            result.tryFail(new UpstreamException(kind, why, null));
        } else {
            // Bytes reached the client: bound to this upstream; end with an error event, never [DONE].
            if (!client.closed()) {
                client.end(events.failureEvent(new GatewayException(code, "The stream was interrupted: " + why + ".")));
            }
            finish(StreamEnd.UPSTREAM_FAILED);
        }
        // Only once finished: cancelling fires the upstream's exception handler at once, and
        // that must not end the stream a second time under another name.
        upstream.cancel();
    }

    /** The client went away: the upstream call is cancelled so the provider stops generating. */
    public void clientClosed() {
        if (isFinished()) {
            return;
        }
        finish(StreamEnd.CLIENT_CLOSED);
        upstream.cancel();
    }

    private void armIdle() {
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
        }
        idleTimer = vertx.setTimer(idleMs, id -> onUpstreamFailed(ErrorCode.UPSTREAM_TIMEOUT,
                UpstreamException.Kind.IDLE_TIMEOUT, "no data from the upstream for " + idleMs + " ms"));
    }

    private void finish(StreamEnd end) {
        cancelTimers();
        result.tryComplete(new Result(end, events.usage(), events.text()));
    }

    /** True once a byte of this stream was written to the client: from then on it cannot change target. */
    public boolean committed() {
        return committed;
    }

    private void cancelTimers() {
        vertx.cancelTimer(idleTimer);
        vertx.cancelTimer(totalTimer);
    }

    private boolean isFinished() {
        return result.future().isComplete();
    }
}
