package dev.loopgate.gateway.tokens;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Token counts of long texts seen lately. A loop resends its whole transcript every step, so all
 * but its newest messages were counted before; hashing a text is far cheaper than encoding it.
 * Keyed by a 64-bit FNV-1a hash of the text (a collision only skews an estimate the provider's
 * usage later corrects). Bounded: emptied when full, which costs one recount of what is in use.
 */
final class TextCounts {
    /** Shorter texts are counted directly: encoding them costs about what hashing would. */
    static final int MIN_CHARS = 256;
    static final int MAX_ENTRIES = 50_000;

    private final ConcurrentHashMap<Long, Integer> counts = new ConcurrentHashMap<>();

    int count(String text, ToIntFunction<String> encoder) {
        if (text.length() < MIN_CHARS) {
            return encoder.applyAsInt(text);
        }
        Long key = hash(text);
        Integer known = counts.get(key);
        if (known != null) {
            return known;
        }
        int counted = encoder.applyAsInt(text);
        if (counts.size() >= MAX_ENTRIES) {
            counts.clear();
        }
        counts.put(key, counted);
        return counted;
    }

    int size() {
        return counts.size();
    }

    private static long hash(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
        }
        return hash;
    }
}
