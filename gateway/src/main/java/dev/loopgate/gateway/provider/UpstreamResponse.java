package dev.loopgate.gateway.provider;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An upstream's answer once its status and headers have arrived. The body is paused
 * until the reader sets its handlers and resumes it; it is in OpenAI's wire format
 * whatever the provider speaks.
 */
public interface UpstreamResponse {
    /** A whole (non-stream) answer larger than this is refused rather than held in memory. */
    int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    /** Error bodies are read to classify them and to keep the connection reusable; they are small. */
    int MAX_ERROR_BYTES = 64 * 1024;

    int status();

    /** The media type to hand the client, e.g. {@code application/json}. */
    String contentType();

    /** The upstream's {@code Retry-After} header, or null. */
    String retryAfter();

    ReadStream<Buffer> body();

    /** Abandons the call: the connection is closed so the provider stops generating. */
    void cancel();
}
