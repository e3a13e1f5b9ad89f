package dev.loopgate.gateway.provider;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An upstream body rewritten into another wire format as it arrives. Each upstream buffer
 * yields at most one output buffer, so the reader's demand passes straight to the upstream:
 * pause, resume and fetch are delegated, and nothing is read ahead.
 *
 * <p>An upstream buffer that completes nothing (half an event, a keep-alive ping) is handed
 * to a flowing reader as an empty buffer, so its idle timer sees the upstream is alive; a
 * reader that fetches is not handed it, the buffer is replaced by fetching another instead,
 * so the reader's demand is spent only on output and it never stalls.
 */
public final class TranslatedBody implements ReadStream<Buffer> {
    /** Turns upstream bytes into output bytes; called on the upstream's context, one buffer at a time. */
    public interface Translator {
        /** The output one upstream buffer completes, possibly empty. May throw to fail the body. */
        Buffer onData(Buffer chunk);

        /** The output left once the upstream has ended, possibly empty. May throw to fail the body. */
        Buffer onEnd();

        /** True once the translated body is over even if the upstream goes on: it ends now. */
        default boolean isOver() {
            return false;
        }
    }

    private final ReadStream<Buffer> upstream;
    private final Translator translator;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    /** The reader's demand, mirrored: paused until it asks, as the upstream body is. */
    private long demand;
    /** Output that came with the upstream's end while the reader wanted none yet. */
    private Buffer held;
    private boolean ending;
    private boolean ended;

    public TranslatedBody(ReadStream<Buffer> upstream, Translator translator) {
        this.upstream = upstream;
        this.translator = translator;
        upstream.handler(this::onUpstreamData);
        upstream.endHandler(v -> onUpstreamEnd());
        upstream.exceptionHandler(this::fail);
    }

    private void onUpstreamData(Buffer chunk) {
        if (ending) {
            return;
        }
        Buffer out;
        try {
            out = translator.onData(chunk);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        ending = translator.isOver();
        if (out.length() > 0 || demand == Long.MAX_VALUE) {
            deliver(out);
        } else if (!ending && demand > 0) {
            upstream.fetch(1);
        }
        endIfDone();
    }

    private void onUpstreamEnd() {
        if (ending) {
            return;
        }
        ending = true;
        Buffer out;
        try {
            out = translator.onEnd();
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        if (out.length() > 0) {
            if (demand > 0) {
                deliver(out);
            } else {
                held = out;
            }
        }
        endIfDone();
    }

    private void deliver(Buffer out) {
        if (demand != Long.MAX_VALUE) {
            demand--;
        }
        Handler<Buffer> h = handler;
        if (h != null) {
            h.handle(out);
        }
    }

    private void endIfDone() {
        if (ending && held == null && !ended) {
            ended = true;
            Handler<Void> h = endHandler;
            if (h != null) {
                h.handle(null);
            }
        }
    }

    private void fail(Throwable failure) {
        if (ended) {
            return;
        }
        ended = true;
        ending = true;
        Handler<Throwable> h = exceptionHandler;
        if (h != null) {
            h.handle(failure);
        }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        this.handler = handler;
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        this.endHandler = endHandler;
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        demand = 0;
        upstream.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("fetch amount must be positive, got " + amount);
        }
        demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
        if (held != null) {
            Buffer out = held;
            held = null;
            deliver(out);
            endIfDone();
        }
        upstream.fetch(amount);
        return this;
    }
}
