package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.Json;
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

    /** {@code {"changed": [...], "needs_restart": [...]}}: the audit row's detail and the admin API's answer. */
    ObjectNode json() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        ArrayNode changedNode = json.putArray("changed");
        changed.forEach(changedNode::add);
        ArrayNode restartNode = json.putArray("needs_restart");
        needsRestart.forEach(restartNode::add);
        return json;
    }
}
