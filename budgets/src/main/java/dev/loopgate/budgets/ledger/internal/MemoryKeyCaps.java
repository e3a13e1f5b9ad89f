package dev.loopgate.budgets.ledger.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Keys' daily caps in memory: per key and UTC day, what was spent and what is reserved, as
 * {@code key_v1.lua} keeps them in Redis. Not thread-safe: the caller holds a lock.
 */
public final class MemoryKeyCaps {
    private final Map<String, KeyDay> days = new HashMap<>();

    private static final class KeyDay {
        long spent;
        long reserved;
        long expireAt;
    }

    /** Null when {@code worstCase} fits under the key's cap today, else the refusal message. */
    public String refusal(String keyName, String day, long worstCase, long cap, long now) {
        KeyDay held = find(keyName, day, now);
        long used = held == null ? 0 : held.spent + held.reserved;
        return used + worstCase > cap ? Texts.keyCapExceeded(keyName, cap, used, day) : null;
    }

    public void hold(String keyName, String day, long amount, long now) {
        days.values().removeIf(old -> old.expireAt <= now);
        KeyDay held = days.computeIfAbsent(keyName + '|' + day, k -> new KeyDay());
        held.reserved += amount;
        held.expireAt = Buckets.dayExpireAt(now);
    }

    /** Replaces a held amount by the actual cost; a reservation that expired unsettled keeps counting as reserved. */
    public void settle(String keyName, String day, long reserved, long actual, long now) {
        KeyDay held = find(keyName, day, now);
        if (held != null) {
            held.reserved = Math.max(0, held.reserved - reserved);
            held.spent += actual;
        }
    }

    /** Gives back a hold of a reservation that was not used. */
    public void release(String keyName, String day, long reserved) {
        KeyDay held = days.get(keyName + '|' + day);
        if (held != null) {
            held.reserved = Math.max(0, held.reserved - reserved);
        }
    }

    private KeyDay find(String keyName, String day, long now) {
        KeyDay held = days.get(keyName + '|' + day);
        return held == null || held.expireAt <= now ? null : held;
    }
}
