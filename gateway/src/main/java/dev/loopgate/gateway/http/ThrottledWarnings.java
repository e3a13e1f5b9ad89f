package dev.loopgate.gateway.http;

import dev.loopgate.gateway.error.ErrorCode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * At most one log line per error code per interval, with how many were left out since the last:
 * during an outage every call is refused the same way, and a line per call would drown the log
 * (and cost the event loops) without saying anything new.
 */
final class ThrottledWarnings {
    private final Consumer<String> out;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<ErrorCode, AtomicLong> lastLogged = new EnumMap<>(ErrorCode.class);
    private final Map<ErrorCode, AtomicLong> suppressed = new EnumMap<>(ErrorCode.class);

    ThrottledWarnings(Consumer<String> out, Duration interval, LongSupplier nanoTime) {
        this.out = out;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        long start = nanoTime.getAsLong() - intervalNanos;
        for (ErrorCode code : ErrorCode.values()) {
            lastLogged.put(code, new AtomicLong(start));
            suppressed.put(code, new AtomicLong());
        }
    }

    void warn(ErrorCode code, String requestId, String message) {
        AtomicLong last = lastLogged.get(code);
        long now = nanoTime.getAsLong();
        long previous = last.get();
        if (now - previous < intervalNanos || !last.compareAndSet(previous, now)) {
            suppressed.get(code).incrementAndGet();
            return;
        }
        long left = suppressed.get(code).getAndSet(0);
        out.accept("request " + requestId + ": " + code.code() + " " + message
                + (left == 0 ? "" : " (and " + left + " more like it since the last line)"));
    }
}
