package dev.loopgate.gateway.provider;

import dev.loopgate.gateway.wire.SseEvents;
import io.vertx.core.buffer.Buffer;

/**
 * A translator of one SSE stream into another, event by event: upstream buffers are cut into
 * whole events (an event may straddle buffers), each handed to {@link #event} as soon as it is
 * complete. Once a subclass marks the stream done or failed, nothing more is read; a failed
 * stream ends at once, whatever the upstream does next.
 */
public abstract class SseTranslator implements TranslatedBody.Translator {
    private Buffer pending;
    private boolean done;
    private boolean failed;

    /** Translates the event {@code data[start, end)}, appending what it becomes to {@code out}. */
    protected abstract void event(Buffer data, int start, int end, Buffer out);

    /** The translated stream is complete: later upstream bytes are ignored. */
    protected final void markDone() {
        done = true;
    }

    /** The upstream stream failed: the translated stream ends now, never with its completion. */
    protected final void markFailed() {
        failed = true;
    }

    @Override
    public final Buffer onData(Buffer chunk) {
        Buffer out = Buffer.buffer();
        if (done || failed) {
            return out;
        }
        Buffer data = pending == null ? chunk : pending.appendBuffer(chunk);
        int length = data.length();
        int start = 0;
        int end;
        while (!done && !failed && (end = SseEvents.endOfEvent(data, start, length)) >= 0) {
            event(data, start, end, out);
            start = end;
        }
        pending = start < length && !done && !failed
                ? Buffer.buffer(length - start).appendBuffer(data, start, length - start) : null;
        return out;
    }

    @Override
    public final Buffer onEnd() {
        Buffer out = Buffer.buffer();
        if (pending != null && !done && !failed) {
            // A last event without its blank line still counts.
            event(pending, 0, pending.length(), out);
        }
        pending = null;
        return out;
    }

    @Override
    public final boolean isOver() {
        return failed;
    }
}
