package dev.loopgate.gateway.auth;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** The contract on one process's store; its "other replica" is the same store, as it is for a gateway without Redis. */
class InMemoryKeyStoreTest extends KeyStoreContract {
    @Override
    protected KeyStore newStore() {
        return new InMemoryKeyStore();
    }

    @Override
    protected KeyStore peer() {
        KeyStore same = store;
        return new KeyStore() {
            @Override
            public CompletionStage<Void> create(RuntimeKey key) {
                return same.create(key);
            }

            @Override
            public CompletionStage<Boolean> replace(RuntimeKey key) {
                return same.replace(key);
            }

            @Override
            public CompletionStage<Boolean> remove(String id) {
                return same.remove(id);
            }

            @Override
            public CompletionStage<List<RuntimeKey>> all() {
                return same.all();
            }

            @Override
            public void onChange(Runnable listener) {
                same.onChange(listener);
            }

            @Override
            public void close() {
            }
        };
    }
}
