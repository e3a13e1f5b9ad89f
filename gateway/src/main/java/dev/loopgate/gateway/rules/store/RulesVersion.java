package dev.loopgate.gateway.rules.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One immutable version of the routing rules as an admin published it. The store keeps
 * {@code document} as opaque text (JSON of the rules); it never parses it.
 *
 * @param version   1 for the first version, then the previous highest + 1
 * @param author    who published it (a key name, or {@code gateway.yaml} for the seed)
 * @param createdAt when it was published, from the store's clock
 * @param comment   why; never null (a missing comment is stored as "")
 * @param document  the rules text, stored and returned verbatim
 */
public record RulesVersion(long version, String author, Instant createdAt, String comment, String document) {
    public RulesVersion {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(document, "document");
        comment = comment == null ? "" : comment;
    }
}
