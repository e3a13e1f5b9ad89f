package dev.loopgate.gateway.auth;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where keys made through the admin API live: in Redis when it is configured (every replica
 * sees a change within a second), in this process otherwise. Names are unique.
 */
public interface KeyStore {
    /** Adds a new key; fails with {@link KeyNameTakenException} when its name is taken. */
    CompletionStage<Void> create(RuntimeKey key);

    /** Replaces a stored key (a rotation); false when there is none with its id. */
    CompletionStage<Boolean> replace(RuntimeKey key);

    /** Deletes a key; false when there was none. */
    CompletionStage<Boolean> remove(String id);

    CompletionStage<List<RuntimeKey>> all();

    /** Runs {@code listener} (on any thread) after any replica changed a key. */
    void onChange(Runnable listener);

    void close();

    /** The name is used by another key. */
    final class KeyNameTakenException extends RuntimeException {
        public KeyNameTakenException(String name) {
            super("a key named '" + name + "' exists");
        }
    }
}
