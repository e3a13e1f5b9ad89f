package dev.loopgate.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Sums up a JFR recording as markdown: where CPU samples land (top frame, and every method a
 * sample passes through), which component a sample is in, which threads are busy, where
 * memory is allocated, and the GC pauses. Reads the recording with the JDK's own
 * {@code jdk.jfr.consumer} API, the same events {@code jfr print --events jdk.ExecutionSample} shows.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.loopgate.bench.JfrTop recording.jfr [top N]</pre>
 */
public final class JfrTop {
    /** First matching prefix names a frame's component; order matters (most specific first). */
    private static final Map<String, String> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("dev.loopgate.budgets.ratelimit", "loopgate rate limits");
        COMPONENTS.put("dev.loopgate.budgets", "loopgate budgets/ledger");
        COMPONENTS.put("dev.loopgate.rules", "loopgate routing rules");
        COMPONENTS.put("dev.loopgate.gateway.audit", "loopgate audit");
        COMPONENTS.put("dev.loopgate.gateway.tokens", "loopgate token estimate");
        COMPONENTS.put("dev.loopgate", "loopgate other");
        COMPONENTS.put("io.github.bucket4j", "bucket4j");
        COMPONENTS.put("io.lettuce", "lettuce (redis client)");
        COMPONENTS.put("com.knuddels.jtokkit", "jtokkit (token count)");
        COMPONENTS.put("com.fasterxml.jackson", "jackson (json)");
        COMPONENTS.put("org.sqlite", "sqlite jdbc");
        COMPONENTS.put("io.vertx", "vert.x");
        COMPONENTS.put("io.netty", "netty");
        COMPONENTS.put("java.util.regex", "jdk regex");
        COMPONENTS.put("java.security", "jdk crypto/hash");
        COMPONENTS.put("sun.security", "jdk crypto/hash");
        COMPONENTS.put("java.", "jdk other");
        COMPONENTS.put("jdk.", "jdk other");
        COMPONENTS.put("sun.", "jdk other");
    }

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop recording.jfr [top N]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        System.out.print(summarise(Path.of(args[0]), top));
    }

    static String summarise(Path recording, int top) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> components = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        long gcCount = 0;
        Duration gcPause = Duration.ZERO;
        Duration longestPause = Duration.ZERO;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                List<String> frames = frames(event.getStackTrace());
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                self.merge(frames.get(0), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (String frame : frames) {
                    if (seen.add(frame)) {
                        inclusive.merge(frame, 1L, Long::sum);
                    }
                }
                components.merge(component(frames), 1L, Long::sum);
                RecordedThread thread = event.getThread("sampledThread");
                threads.merge(threadGroup(thread == null ? null : thread.getJavaName()), 1L, Long::sum);
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                // Counted, not weighed: a sample's weight is what its thread allocated since its
                // last sample, which makes rarely sampled threads look huge.
                List<String> frames = frames(event.getStackTrace());
                allocated++;
                allocations.merge(frames.isEmpty() ? "?" : firstOwn(frames), 1L, Long::sum);
            } else if (type.equals("jdk.GarbageCollection")) {
                gcCount++;
                gcPause = gcPause.plus(event.getDuration("sumOfPauses"));
                Duration longest = event.getDuration("longestPause");
                longestPause = longest.compareTo(longestPause) > 0 ? longest : longestPause;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("CPU samples: ").append(samples).append(" (jdk.ExecutionSample). GC: ").append(gcCount)
                .append(" collections, ").append(gcPause.toMillis()).append(" ms paused in all, longest ")
                .append(String.format("%.2f", longestPause.toNanos() / 1e6)).append(" ms.\n\n");
        table(out, "Component of the sample (first own frame from the top, else the top frame)", components, samples, top);
        table(out, "Threads (each by name: the vert.x-eventloop-thread-N are the server's event loops)", threads, samples, top);
        table(out, "Top frames (self time)", self, samples, top);
        table(out, "Methods on the stack (inclusive, loopgate/bucket4j/lettuce/jtokkit/sqlite only)",
                filter(inclusive), samples, top);
        table(out, "Allocation samples (jdk.ObjectAllocationSample, counted, by first own frame)", allocations, allocated, top);
        return out.toString();
    }

    private static List<String> frames(RecordedStackTrace trace) {
        List<String> names = new ArrayList<>();
        if (trace == null) {
            return names;
        }
        for (RecordedFrame frame : trace.getFrames()) {
            if (frame.getMethod() != null) {
                names.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
        }
        return names;
    }

    /** The component of the first frame (from the top) in a library we name, else of the top frame. */
    private static String component(List<String> frames) {
        for (String frame : frames) {
            if (isOwn(frame)) {
                return componentOf(frame);
            }
        }
        return componentOf(frames.get(0));
    }

    private static String firstOwn(List<String> frames) {
        for (String frame : frames) {
            if (isOwn(frame)) {
                return frame;
            }
        }
        return frames.get(0);
    }

    private static boolean isOwn(String frame) {
        return frame.startsWith("dev.loopgate") || frame.startsWith("io.github.bucket4j")
                || frame.startsWith("io.lettuce") || frame.startsWith("com.knuddels") || frame.startsWith("org.sqlite")
                || frame.startsWith("com.fasterxml.jackson");
    }

    private static String componentOf(String frame) {
        for (Map.Entry<String, String> e : COMPONENTS.entrySet()) {
            if (frame.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return "other";
    }

    private static Map<String, Long> filter(Map<String, Long> inclusive) {
        Map<String, Long> kept = new HashMap<>();
        inclusive.forEach((k, v) -> {
            if (isOwn(k) && !k.startsWith("com.fasterxml")) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    private static String threadGroup(String name) {
        return name == null ? "?" : name;
    }

    private static void table(StringBuilder out, String title, Map<String, Long> counts, long total, int top) {
        out.append("**").append(title).append("**\n\n| share | count | what |\n| ---: | ---: | --- |\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.append(String.format("| %.1f%% | %d | `%s` |%n",
                        total == 0 ? 0.0 : 100.0 * e.getValue() / total, e.getValue(), e.getKey())));
        out.append('\n');
    }
}
