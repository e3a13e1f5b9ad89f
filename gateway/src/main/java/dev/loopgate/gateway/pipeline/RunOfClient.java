package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.LoopIdentity;

/**
 * The run a call belongs to when the caller named none ({@code X-Loop-Run}) but its client names
 * its conversation: Claude Code's session, which it puts at the end of {@code metadata.user_id}
 * ({@code user_<hash>_account_<uuid>_session_<uuid>}), and a Responses API call's
 * {@code conversation}. A chain of kept responses ({@code previous_response_id}) is its own run,
 * named in {@link ResponsesContinueStage}. A value that is not a valid run label is ignored.
 */
final class RunOfClient {
    private static final String SESSION = "_session_";

    private RunOfClient() {
    }

    static String of(Endpoint endpoint, JsonNode body) {
        String run = switch (endpoint) {
            case MESSAGES -> session(body.path("metadata").path("user_id").asText(""));
            case RESPONSES -> conversation(body.get("conversation"));
            default -> null;
        };
        return run != null && LoopIdentity.isLabel(run) ? run : null;
    }

    private static String session(String userId) {
        int at = userId.lastIndexOf(SESSION);
        return at < 0 || at + SESSION.length() == userId.length() ? null : userId.substring(at + SESSION.length());
    }

    /** {@code conversation} is its id, or an object carrying it. */
    private static String conversation(JsonNode conversation) {
        if (conversation == null) {
            return null;
        }
        JsonNode id = conversation.isTextual() ? conversation : conversation.path("id");
        return id.isTextual() ? id.asText() : null;
    }
}
