package dev.loopgate.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The figures of one {@code bench/run.sh} run: every {@link LoadGen} result, by target and
 * workload, read from the run directory's {@code <target>.<workload>.json} files, and the
 * lookups the report and the target checks need.
 */
final class Results {
    static final List<String> TARGETS = List.of("direct", "nginx", "portkey", "loopgate-embedded", "loopgate-governed");
    static final String NGINX = "nginx";
    static final String PORTKEY = "portkey";
    static final String DIRECT = "direct";
    static final String GOVERNED = "loopgate-governed";
    static final String EMBEDDED = "loopgate-embedded";
    static final String CLOSED = "closed";
    static final String OPEN = "open";
    static final String STREAM = "stream";
    static final String RAMP = "ramp-c";

    private final Map<String, Map<String, JsonObject>> byTarget = new LinkedHashMap<>();

    static Results read(Path dir) throws IOException {
        Results results = new Results();
        for (String target : TARGETS) {
            results.byTarget.put(target, new LinkedHashMap<>());
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".json") || name.indexOf('.') == name.lastIndexOf('.')) {
                    continue;
                }
                String target = name.substring(0, name.indexOf('.'));
                String workload = name.substring(name.indexOf('.') + 1, name.length() - ".json".length());
                if (results.byTarget.containsKey(target)) {
                    results.byTarget.get(target).put(workload, new JsonObject(Files.readString(file)));
                }
            }
        }
        return results;
    }

    JsonObject get(String target, String workload) {
        return byTarget.getOrDefault(target, Map.of()).get(workload);
    }

    /** A number at a path such as {@code latency_ms.p99}; null when the run or the figure is missing. */
    Double figure(String target, String workload, String path) {
        JsonObject json = get(target, workload);
        if (json == null) {
            return null;
        }
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            json = json.getJsonObject(parts[i]);
            if (json == null) {
                return null;
            }
        }
        Object value = json.getValue(parts[parts.length - 1]);
        return value instanceof Number n ? n.doubleValue() : null;
    }

    /** Concurrency levels of the ramp, in order, over every target. */
    List<Integer> rampLevels() {
        return byTarget.values().stream().flatMap(m -> m.keySet().stream())
                .filter(w -> w.startsWith(RAMP)).map(w -> Integer.parseInt(w.substring(RAMP.length())))
                .distinct().sorted().toList();
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject();
        byTarget.forEach((target, workloads) -> {
            JsonObject t = new JsonObject();
            workloads.forEach(t::put);
            json.put(target, t);
        });
        return json;
    }

    static String label(String target) {
        return switch (target) {
            case DIRECT -> "direct (mock upstream)";
            case NGINX -> "nginx";
            case PORTKEY -> "Portkey";
            case EMBEDDED -> "Loopgate, embedded defaults";
            case GOVERNED -> "Loopgate, full governance";
            default -> target;
        };
    }
}
