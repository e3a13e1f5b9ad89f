package dev.loopgate.gateway.rules.store;

/**
 * Where a namespace's rules live in Redis. The {@code v1} changes with the meaning of
 * any key, so a rolling deploy never reads one key two ways. The keys share the hash tag
 * {@code {rules}}, so the one script that writes them all works on Redis Cluster.
 *
 * @param versions hash: version number → JSON of the whole {@link RulesVersion}
 * @param current  string: the current version number
 * @param seq      string: the highest version number given out
 * @param changed  pub/sub channel: each message is a version number that became current
 */
record RedisRulesKeys(String versions, String current, String seq, String changed) {
    static RedisRulesKeys of(String namespace) {
        if (namespace == null || namespace.isBlank() || namespace.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("namespace must be non-blank without spaces, was '" + namespace + "'");
        }
        String prefix = namespace + ":v1:{rules}:";
        return new RedisRulesKeys(prefix + "versions", prefix + "current", prefix + "seq", prefix + "changed");
    }

    /** The script's KEYS, in its order. */
    String[] scriptKeys() {
        return new String[] {versions, current, seq};
    }
}
