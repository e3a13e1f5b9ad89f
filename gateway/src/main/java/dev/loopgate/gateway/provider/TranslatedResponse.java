package dev.loopgate.gateway.provider;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** An upstream's answer with its status, content type and body in another dialect's terms. */
public record TranslatedResponse(UpstreamResponse raw, int status, String contentType, ReadStream<Buffer> body)
        implements UpstreamResponse {
    @Override
    public String retryAfter() {
        return raw.retryAfter();
    }

    @Override
    public void cancel() {
        raw.cancel();
    }
}
