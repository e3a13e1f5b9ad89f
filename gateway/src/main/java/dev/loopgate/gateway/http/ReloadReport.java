package dev.loopgate.gateway.http;

import java.util.List;

/**
 * What a reload did: the top-level sections whose new settings now serve calls, and the
 * settings that differ in the file but keep their running values until a restart.
 */
public record ReloadReport(List<String> changed, List<String> needsRestart) {
    public ReloadReport {
        changed = List.copyOf(changed);
        needsRestart = List.copyOf(needsRestart);
    }
}
