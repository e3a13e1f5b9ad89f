package dev.loopgate.gateway.audit;

import dev.loopgate.rules.RecordedCall;
import java.util.List;

/**
 * Calls the gateway served in a window, read back from the audit to replay routing rules
 * over them; {@code truncated} when the window held more than were read.
 */
public record RecordedTraffic(List<RecordedCall> calls, boolean truncated) {
    public RecordedTraffic {
        calls = List.copyOf(calls);
    }
}
