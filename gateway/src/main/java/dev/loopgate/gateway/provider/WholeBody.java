package dev.loopgate.gateway.provider;

import io.vertx.core.buffer.Buffer;
import java.util.function.Function;

/**
 * A translator for bodies that only mean something whole (a JSON answer, an error): it
 * keeps the upstream's bytes, within a bound, and translates them once the body has ended.
 */
public final class WholeBody implements TranslatedBody.Translator {
    private final int maxBytes;
    private final boolean keepFirstPart;
    private final Function<byte[], Buffer> translate;
    private final Buffer body = Buffer.buffer();

    private WholeBody(int maxBytes, boolean keepFirstPart, Function<byte[], Buffer> translate) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.keepFirstPart = keepFirstPart;
        this.translate = translate;
    }

    /** A body larger than {@code maxBytes} fails rather than being held in memory. */
    public static WholeBody bounded(int maxBytes, Function<byte[], Buffer> translate) {
        return new WholeBody(maxBytes, false, translate);
    }

    /** Only the first {@code maxBytes} are kept: enough for an error's type and message. */
    public static WholeBody firstPart(int maxBytes, Function<byte[], Buffer> translate) {
        return new WholeBody(maxBytes, true, translate);
    }

    @Override
    public Buffer onData(Buffer chunk) {
        int room = maxBytes - body.length();
        if (chunk.length() <= room) {
            body.appendBuffer(chunk);
        } else if (keepFirstPart) {
            body.appendBuffer(chunk, 0, room);
        } else {
            throw new IllegalStateException("the upstream body exceeded " + maxBytes + " bytes");
        }
        return Buffer.buffer();
    }

    @Override
    public Buffer onEnd() {
        return translate.apply(body.getBytes());
    }
}
