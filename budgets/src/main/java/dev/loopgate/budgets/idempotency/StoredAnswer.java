package dev.loopgate.budgets.idempotency;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The first answer to an idempotent call, kept to be given again.
 *
 * @param status      HTTP status
 * @param contentType the answer's content type, or {@code null}
 * @param headers     headers to send again (in their order)
 * @param chunks      the body: one element for a whole answer, each SSE chunk for a stream.
 *                    The arrays are not copied: do not change them after handing them over.
 *                    ({@code equals} compares them by reference, as records do.)
 */
public record StoredAnswer(int status, String contentType, Map<String, String> headers, List<byte[]> chunks) {
    public StoredAnswer {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status (100-599), was " + status);
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
        chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
        headers.forEach((name, value) -> {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, () -> "value of header " + name);
        });
    }

    /** A whole (non-stream) answer of one body. */
    public static StoredAnswer whole(int status, String contentType, Map<String, String> headers, byte[] body) {
        return new StoredAnswer(status, contentType, headers, List.of(body));
    }

    /** How many body bytes the chunks hold together. */
    public long bodyBytes() {
        long total = 0;
        for (byte[] chunk : chunks) {
            total += chunk.length;
        }
        return total;
    }
}
