package dev.loopgate.gateway.call;

import dev.loopgate.gateway.config.ToolScope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The tool scope of one call's loop and run, applied to the calls its model proposes, in a whole
 * answer or as they stream: one verdict for both, so a stream and a whole answer are judged alike.
 */
public interface ToolCallPolicy {
    /** The scope's verdict on a proposed call; {@code arguments} null while they are still arriving. */
    ToolScope.Verdict verdict(String name, String arguments);

    /** True when some entry holds calls for approval, so an answer may have to be kept whole. */
    boolean mayHold();

    /**
     * Counts an allowed call against its run's {@code max_calls}: completes with the glob of the cap
     * it is past (and counts nothing), or with null when it is within every cap.
     */
    Future<String> count(ToolScope.ProposedCall call);

    /**
     * Holds {@code answer} (the whole answer as it would have been delivered, JSON or a whole event
     * stream) until a human approves {@code calls}, pausing the loop or run: completes with the
     * approval's id.
     */
    Future<String> hold(List<ToolScope.ProposedCall> calls, Buffer answer, String contentType);
}
