package dev.loopgate.gateway.relay;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.buffer.Buffer;

/**
 * What {@link StreamRelay} reads of one dialect's server-sent events as they pass: which
 * to keep from the client, whether the answer finished, and what to charge for it.
 */
public interface StreamEvents {
    /** Beyond this much streamed text, counting stops growing memory; the count is then a lower bound. */
    int MAX_COUNTED_CHARS = 4 * 1024 * 1024;

    /** Reads one complete event, {@code data[start, end)}; true when the client is not to get it. */
    boolean read(Buffer data, int start, int end);

    /** The upstream said the answer is complete. */
    boolean completed();

    /** The upstream itself ended the stream with an error event, which the client already has. */
    boolean failedInBand();

    /** The provider's usage, or {@link Usage#NONE} while it sent none. */
    Usage usage();

    /** The text streamed so far, to charge by counting it when no usage came. */
    CharSequence text();

    /** The event that ends a stream the gateway had to cut, in this dialect. */
    Buffer failureEvent(GatewayException error);
}
