package dev.loopgate.budgets.ratelimit.internal;

import io.github.bucket4j.Bucket;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local buckets, bounded. A bucket unused for a whole refill period is full again, so
 * forgetting it loses nothing: such buckets are dropped as time passes. Past {@code maxBuckets}
 * the least recently used is dropped even if it is not full yet (a memory bound: that bucket
 * starts over full when next used).
 */
final class IdleBuckets {
    private static final long IDLE_NANOS = BucketSpec.REFILL_PERIOD.toNanos();

    private final int maxBuckets;
    private final LinkedHashMap<BucketSpec, Entry> buckets = new LinkedHashMap<>(64, 0.75f, true);

    private static final class Entry {
        final Bucket bucket;
        long lastUsedNanos;

        Entry(Bucket bucket) {
            this.bucket = bucket;
        }
    }

    interface Factory {
        Bucket create(BucketSpec spec);
    }

    IdleBuckets(int maxBuckets) {
        if (maxBuckets < 4) {
            throw new IllegalArgumentException("maxBuckets must be at least 4 (one call's buckets), was " + maxBuckets);
        }
        this.maxBuckets = maxBuckets;
    }

    /** The bucket for {@code spec}, made by {@code factory} if there is none; marks it used at {@code nowNanos}. */
    synchronized Bucket get(BucketSpec spec, long nowNanos, Factory factory) {
        forgetIdle(nowNanos);
        Entry entry = buckets.get(spec);
        if (entry == null) {
            entry = new Entry(factory.create(spec));
            buckets.put(spec, entry);
            if (buckets.size() > maxBuckets) {
                Iterator<Map.Entry<BucketSpec, Entry>> eldest = buckets.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        entry.lastUsedNanos = nowNanos;
        return entry.bucket;
    }

    synchronized int size() {
        return buckets.size();
    }

    synchronized void clear() {
        buckets.clear();
    }

    /** Access order puts the longest unused first, so the scan stops at the first one still in use. */
    private void forgetIdle(long nowNanos) {
        Iterator<Entry> oldestFirst = buckets.values().iterator();
        while (oldestFirst.hasNext()) {
            if (nowNanos - oldestFirst.next().lastUsedNanos < IDLE_NANOS) {
                return;
            }
            oldestFirst.remove();
        }
    }
}
