package dev.loopgate.budgets.responses;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The responses the gateway keeps for {@code previous_response_id}, each for a time to live.
 * In memory for one process, or in Redis for every replica ({@link ResponseStores}).
 */
public interface ResponseStore extends AutoCloseable {
    /** Keeps {@code response} under {@code id}, replacing what was there. */
    CompletionStage<Void> put(String id, StoredResponse response);

    /** The response under {@code id}, if it is kept and has not expired. */
    CompletionStage<Optional<StoredResponse>> get(String id);

    /** Forgets {@code id}; true when it was kept. */
    CompletionStage<Boolean> delete(String id);

    @Override
    void close();
}
