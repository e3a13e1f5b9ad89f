package dev.loopgate.bench;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What one {@link LoadGen} run does: where, how (open or closed loop), how long, which request. */
record LoadOptions(
        URI url,
        Map<String, String> headers,
        boolean openLoop,
        int connections,
        double rate,
        Duration duration,
        Duration warmup,
        Duration timeout,
        Duration drain,
        int eventLoops,
        boolean stream,
        boolean includeUsage,
        boolean sameBody,
        int loopIds,
        String model,
        int maxTokens,
        Map<String, String> meta,
        String out) {

    static final Set<String> FLAGS = Set.of("url", "header", "mode", "connections", "rate", "duration", "warmup",
            "timeout", "drain", "event-loops", "stream", "include-usage", "same-body", "loop-ids", "model", "max-tokens", "meta",
            "out");

    LoadOptions {
        if (connections < 1) {
            throw new IllegalArgumentException("--connections must be at least 1");
        }
        if (openLoop && !(rate > 0)) {
            throw new IllegalArgumentException("--mode open needs --rate > 0 (requests per second)");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive: every run stops by itself");
        }
    }

    static LoadOptions from(Flags flags) {
        String mode = flags.string("mode", "closed");
        if (!mode.equals("open") && !mode.equals("closed")) {
            throw new IllegalArgumentException("--mode is open or closed, not " + mode);
        }
        Map<String, String> headers = pairs(flags.all("header"), ':');
        int cores = Runtime.getRuntime().availableProcessors();
        return new LoadOptions(
                URI.create(flags.string("url", "http://127.0.0.1:9999/v1/chat/completions")),
                headers,
                mode.equals("open"),
                flags.integer("connections", mode.equals("open") ? 256 : 20),
                flags.decimal("rate", 0),
                flags.duration("duration", Duration.ofSeconds(10)),
                flags.duration("warmup", Duration.ofSeconds(2)),
                flags.duration("timeout", Duration.ofSeconds(30)),
                flags.duration("drain", Duration.ofSeconds(5)),
                flags.integer("event-loops", cores),
                flags.bool("stream"),
                flags.bool("include-usage"),
                flags.bool("same-body"),
                flags.integer("loop-ids", 0),
                flags.string("model", "auto"),
                flags.integer("max-tokens", 64),
                pairs(flags.all("meta"), '='),
                flags.string("out", null));
    }

    private static Map<String, String> pairs(List<String> items, char separator) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String item : items) {
            int at = item.indexOf(separator);
            if (at <= 0) {
                throw new IllegalArgumentException("expected name" + separator + "value, got '" + item + "'");
            }
            map.put(item.substring(0, at).trim(), item.substring(at + 1).trim());
        }
        return map;
    }

    int port() {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    String pathAndQuery() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
}
