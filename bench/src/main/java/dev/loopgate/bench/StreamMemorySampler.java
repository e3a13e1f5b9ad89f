package dev.loopgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads another JVM's memory from outside: resident set size from {@code /proc/<pid>/status},
 * heap occupancy from {@code jstat -gc}, and on demand a class histogram or native memory
 * summary from {@code jcmd}. The JDK's own tools are used, so the measured process needs no agent.
 */
final class StreamMemorySampler {
    /** Heap as {@code jstat -gc} sees it, in KB: used and committed over all generations, and metaspace used. */
    record Heap(long usedKb, long committedKb, long metaspaceKb) {
        static final Heap UNKNOWN = new Heap(-1, -1, -1);
    }

    /**
     * Resident memory now and its high-water mark, in KB, with the resident anonymous, file and
     * shared-memory parts. ZGC maps its heap three times (JDK 17), so its pages count three
     * times in RSS and in {@code shmemKb}.
     */
    record Rss(long rssKb, long peakKb, long anonKb, long fileKb, long shmemKb) {
    }

    private final long pid;
    private final Path javaBin = Path.of(System.getProperty("java.home"), "bin");

    StreamMemorySampler(long pid) {
        this.pid = pid;
    }

    Rss rss() {
        try {
            Map<String, Long> fields = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && (line.startsWith("Vm") || line.startsWith("Rss"))) {
                    fields.put(line.substring(0, colon), kb(line));
                }
            }
            return new Rss(fields.getOrDefault("VmRSS", -1L), fields.getOrDefault("VmHWM", -1L),
                    fields.getOrDefault("RssAnon", -1L), fields.getOrDefault("RssFile", -1L),
                    fields.getOrDefault("RssShmem", -1L));
        } catch (IOException gone) {
            return new Rss(-1, -1, -1, -1, -1);
        }
    }

    /**
     * Sums the used and capacity columns jstat prints for this collector: survivor, eden and old
     * spaces for the generational ones; ZGC reports its single heap as the old space.
     */
    Heap heap() {
        String out = run(List.of(tool("jstat"), "-gc", Long.toString(pid)));
        String[] lines = out == null ? new String[0] : out.strip().split("\n");
        if (lines.length < 2) {
            return Heap.UNKNOWN;
        }
        String[] names = lines[0].trim().split("\\s+");
        String[] values = lines[1].trim().split("\\s+");
        Map<String, Double> columns = new HashMap<>();
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
            try {
                columns.put(names[i], Double.parseDouble(values[i]));
            } catch (NumberFormatException notANumber) {
                // "-" where a collector has no such space
            }
        }
        double used = 0;
        double committed = 0;
        for (String space : List.of("S0", "S1", "E", "O")) {
            used += columns.getOrDefault(space + "U", 0.0);
            committed += columns.getOrDefault(space + "C", 0.0);
        }
        return new Heap(Math.round(used), Math.round(committed), Math.round(columns.getOrDefault("MU", -1.0)));
    }

    /** Live objects by class after a full GC; the histogram's first {@code rows} lines and its total. */
    String classHistogram(int rows) {
        String out = run(List.of(tool("jcmd"), Long.toString(pid), "GC.class_histogram"));
        if (out == null) {
            return "(jcmd GC.class_histogram failed)";
        }
        String[] lines = out.split("\n");
        StringBuilder top = new StringBuilder();
        int shown = 0;
        for (String line : lines) {
            if (line.trim().startsWith("Total") || line.contains("num ") || line.startsWith("---")
                    || (line.matches("\\s*\\d+:\\s+\\d+.*") && shown++ < rows)) {
                top.append(line).append('\n');
            }
        }
        return top.toString();
    }

    /** The live heap in bytes from a histogram's {@code Total} line, or -1. */
    static long histogramTotalBytes(String histogram) {
        for (String line : histogram.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[0].equals("Total")) {
                return Long.parseLong(parts[2]);
            }
        }
        return -1;
    }

    /** {@code jcmd VM.native_memory summary}, or null when the JVM runs without native memory tracking. */
    String nativeMemory() {
        String out = run(List.of(tool("jcmd"), Long.toString(pid), "VM.native_memory", "summary", "scale=MB"));
        return out == null || out.contains("not enabled") ? null : out;
    }

    private String tool(String name) {
        Path path = javaBin.resolve(name);
        return Files.isExecutable(path) ? path.toString() : name;
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long kb(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }
}
