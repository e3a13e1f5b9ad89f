package dev.loopgate.gateway.call;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.config.ModelConfig;
import io.vertx.core.buffer.Buffer;

/** How a call ended once a target answered. */
public sealed interface Reply {
    /** The model that served the call, or null when no upstream call was made. */
    ModelConfig servedBy();

    Usage usage();

    /** A whole answer still to be written to the client: status, upstream content type and body. */
    record Complete(int status, String contentType, Buffer body, Usage usage, ModelConfig servedBy) implements Reply {
    }

    /**
     * A stream already relayed to the client; {@code end} says how it finished. {@code usage}
     * is the provider's, or {@link Usage#NONE} when it sent none; {@code text} is what was
     * streamed, so the call can be charged by counting it then.
     */
    record Streamed(StreamEnd end, Usage usage, ModelConfig servedBy, CharSequence text) implements Reply {
    }

    enum StreamEnd {
        /** The upstream finished with {@code [DONE]}. */
        COMPLETED,
        /** The client went away; the upstream call was cancelled. */
        CLIENT_CLOSED,
        /** The upstream failed or stalled mid-stream; the client got an error event. */
        UPSTREAM_FAILED,
        /** The tool scope refused a proposed call (denied, or past its cap): the stream ended with an error event. */
        TOOL_REFUSED,
        /** A proposed call needs a human's approval: the whole answer was held, the stream ended with an error event. */
        APPROVAL_HELD
    }
}
