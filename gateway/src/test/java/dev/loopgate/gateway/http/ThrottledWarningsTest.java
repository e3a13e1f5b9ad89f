package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loopgate.gateway.error.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledWarningsTest {
    final List<String> lines = new ArrayList<>();
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final ThrottledWarnings warnings = new ThrottledWarnings(lines::add, Duration.ofSeconds(10), now::get);

    @Test
    void anOutageRefusingEveryCallLogsOneLinePerIntervalWithTheCountLeftOut() {
        for (int i = 0; i < 500; i++) {
            warnings.warn(ErrorCode.BUDGET_STORE_UNAVAILABLE, "r" + i, "Redis is down");
            now.addAndGet(Duration.ofMillis(50).toNanos());
        }
        // 25 s of refusals: a line at 0 s, 10 s and 20 s
        assertEquals(List.of("request r0: budget_store_unavailable Redis is down",
                "request r200: budget_store_unavailable Redis is down (and 199 more like it since the last line)",
                "request r400: budget_store_unavailable Redis is down (and 199 more like it since the last line)"), lines);
    }

    @Test
    void eachKindOfFailureHasItsOwnAllowance() {
        warnings.warn(ErrorCode.BUDGET_STORE_UNAVAILABLE, "a", "Redis is down");
        warnings.warn(ErrorCode.UPSTREAM_ERROR, "b", "primary: 500");
        warnings.warn(ErrorCode.UPSTREAM_ERROR, "c", "primary: 500");

        assertEquals(List.of("request a: budget_store_unavailable Redis is down", "request b: upstream_error primary: 500"),
                lines);
    }
}
