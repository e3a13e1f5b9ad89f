package dev.loopgate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link StreamMemoryClient} run measured, as markdown: a table of the figures for
 * the run's own section, and one summary row for a table over several runs. Memory is in KB
 * until printed; -1 means not measured.
 */
final class StreamMemoryReport {
    /** The target: every stream served while the process stays within this resident size. */
    static final long TARGET_RSS_KB = 512 * 1024;

    final int streams;
    StreamMemorySampler.Rss idleRss;
    StreamMemorySampler.Heap idleHeap;
    long idleLiveBytes = -1;

    int maxOpen;
    long allOpenSeconds = -1;
    double allOpenFromSeconds;
    long maxSampledRssKb = -1;
    StreamMemorySampler.Rss maxRssAllOpen;
    long maxHeapUsedAllOpenKb = -1;
    long openLiveBytes = -1;
    String openHistogram;
    String nativeMemory;

    StreamMemorySampler.Rss afterRss;
    StreamMemorySampler.Heap afterHeap;
    long afterLiveBytes = -1;

    boolean finished;
    double elapsedSeconds;
    final List<Long> durationsMs = new ArrayList<>();
    final List<Integer> events = new ArrayList<>();
    final Map<String, Integer> failures = new LinkedHashMap<>();

    StreamMemoryReport(int streams) {
        this.streams = streams;
    }

    int completed() {
        return durationsMs.size();
    }

    /** The process's peak: VmHWM, or a higher sample (the kernel updates VmHWM lazily). */
    long peakRssKb() {
        return Math.max(afterRss == null ? -1 : afterRss.peakKb(), maxSampledRssKb);
    }

    boolean targetMet() {
        return finished && completed() == streams && peakRssKb() > 0 && peakRssKb() <= TARGET_RSS_KB;
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        List<Long> durations = sorted(durationsMs);
        List<Integer> eventCounts = sorted(events);
        line(out, "| streams | %d requested, %d ended with `[DONE]`, %d failed%s; at most %d open at once |",
                streams, completed(), streams - completed(), finished ? "" : " (deadline reached)", maxOpen);
        if (!durations.isEmpty()) {
            line(out, "| stream length | %.1f / %.1f / %.1f s (min / median / max); %d–%d SSE events each |",
                    durations.get(0) / 1000.0, durations.get(durations.size() / 2) / 1000.0,
                    durations.get(durations.size() - 1) / 1000.0, eventCounts.get(0),
                    eventCounts.get(eventCounts.size() - 1));
        }
        line(out, "| all %d open | %s |", streams, allOpenSeconds < 0 ? "never"
                : String.format("%d s, from %.1f s after the first request", allOpenSeconds, allOpenFromSeconds));
        line(out, "| RSS | idle %s; **max while all open %s**; peak of the process %s; after %s |",
                mb(idleRss.rssKb()), mb(rssAllOpenKb()), mb(peakRssKb()), mb(afterRss.rssKb()));
        if (maxRssAllOpen != null) {
            line(out, "| RSS parts at that max | anonymous %s, file %s, shared memory %s |",
                    mb(maxRssAllOpen.anonKb()), mb(maxRssAllOpen.fileKb()), mb(maxRssAllOpen.shmemKb()));
        }
        line(out, "| heap used (jstat) | idle %s of %s committed; max while all open %s; after %s of %s |",
                mb(idleHeap.usedKb()), mb(idleHeap.committedKb()), mb(maxHeapUsedAllOpenKb), mb(afterHeap.usedKb()),
                mb(afterHeap.committedKb()));
        line(out, "| live heap (after a full GC) | idle %s; all open %s; after %s; metaspace %s |",
                mb(kb(idleLiveBytes)), mb(kb(openLiveBytes)), mb(kb(afterLiveBytes)), mb(afterHeap.metaspaceKb()));
        line(out, "| per open stream | RSS %s; live heap %s |", perStreamRss(),
                openLiveBytes < 0 ? "n/a" : String.format("%.1f KB", (openLiveBytes - idleLiveBytes) / 1024.0 / streams));
        line(out, "| run | %.1f s |", elapsedSeconds);
        failures.forEach((why, count) -> line(out, "| failed: %d | %s |", count, why));
        if (openHistogram != null) {
            out.append("\nLive objects with every stream open (`jcmd GC.class_histogram`):\n\n```\n")
                    .append(openHistogram).append("```\n");
        }
        if (nativeMemory != null) {
            out.append("\nNative memory with every stream open (`jcmd VM.native_memory summary`):\n\n```\n")
                    .append(nativeMemory.strip()).append("\n```\n");
        }
        return out.toString();
    }

    /** streams with [DONE] | RSS idle | RSS max, all open | RSS peak | heap used max | live heap | per stream | met |. */
    String row() {
        return String.format("| %d / %d | %s | %s | **%s** | %s | %s | %s | %s |%n", completed(), streams,
                mb(idleRss.rssKb()), mb(rssAllOpenKb()), mb(peakRssKb()), mb(maxHeapUsedAllOpenKb), mb(kb(openLiveBytes)),
                perStreamRss(), targetMet() ? "yes" : "**no**");
    }

    private long rssAllOpenKb() {
        return maxRssAllOpen == null ? -1 : maxRssAllOpen.rssKb();
    }

    private String perStreamRss() {
        return maxRssAllOpen == null ? "n/a" : (maxRssAllOpen.rssKb() - idleRss.rssKb()) / streams + " KB";
    }

    private static <T extends Comparable<T>> List<T> sorted(List<T> values) {
        List<T> copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }

    private static long kb(long bytes) {
        return bytes < 0 ? -1 : bytes / 1024;
    }

    private static String mb(long kb) {
        return kb < 0 ? "n/a" : String.format("%.0f MB", kb / 1024.0);
    }

    private static void line(StringBuilder out, String format, Object... values) {
        out.append(String.format(format, values)).append('\n');
    }
}
