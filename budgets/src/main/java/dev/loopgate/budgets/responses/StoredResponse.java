package dev.loopgate.budgets.responses;

import java.util.Objects;

/**
 * A Responses API response the gateway served from a provider that keeps no state, kept so a
 * later call can continue it with {@code previous_response_id}.
 *
 * @param owner        the name of the key that created it: only that key may read or delete it
 * @param loopId       the loop it belongs to
 * @param conversation the input items that led to it and its output items, as a JSON array: what a
 *                     continuation puts before its own input
 * @param response     the response as the client got it, as JSON
 * @param run          the run its chain of responses belongs to, or null (its caller named none)
 */
public record StoredResponse(String owner, String loopId, String conversation, String response, String run) {
    public StoredResponse {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(response, "response");
    }
}
