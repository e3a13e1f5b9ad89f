package dev.loopgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.Await;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules of {@link KeyStore}, run against every implementation. */
abstract class KeyStoreContract {
    protected KeyStore store;

    /** A store on empty storage; {@link #peer()} is another replica's view of the same storage. */
    protected abstract KeyStore newStore();

    protected abstract KeyStore peer();

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static RuntimeKey key(String id, String name, String... hashes) {
        List<RuntimeKey.Secret> secrets = Arrays.stream(hashes).map(h -> new RuntimeKey.Secret(h, 0)).toList();
        return new RuntimeKey(id, name, Role.LOOP, List.of("build-*"), null, new RuntimeKey.Caps(5_000_000_000L, 60, 0),
                0, secrets, 1_000, "ops");
    }

    static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void aKeyIsStoredAsMadeAndReadBackWhole() {
        RuntimeKey made = key("key_1", "ci-bot", hash('a'));
        Await.result(store.create(made));
        assertEquals(List.of(made), Await.result(store.all()));
    }

    @Test
    void namesAreUniqueAcrossReplicas() {
        Await.result(store.create(key("key_1", "ci-bot", hash('a'))));
        KeyStore other = peer();
        try {
            Throwable failure = Await.failure(other.create(key("key_2", "ci-bot", hash('b'))));
            assertInstanceOf(KeyStore.KeyNameTakenException.class,
                    failure instanceof CompletionException ? failure.getCause() : failure);
            assertEquals(1, Await.result(store.all()).size());
        } finally {
            other.close();
        }
    }

    @Test
    void replaceKeepsTheIdAndRemoveFreesTheName() {
        RuntimeKey made = key("key_1", "ci-bot", hash('a'));
        Await.result(store.create(made));
        RuntimeKey rotated = made.withSecrets(List.of(new RuntimeKey.Secret(hash('a'), 5_000), new RuntimeKey.Secret(hash('b'), 0)));
        assertTrue(Await.result(store.replace(rotated)));
        assertEquals(List.of(rotated), Await.result(store.all()));
        assertFalse(Await.result(store.replace(key("key_9", "nobody", hash('c')))), "no such key");

        assertTrue(Await.result(store.remove("key_1")));
        assertFalse(Await.result(store.remove("key_1")));
        Await.result(store.create(key("key_2", "ci-bot", hash('d'))));
        assertEquals("key_2", Await.result(store.all()).get(0).id());
    }

    @Test
    void everyReplicaHearsOfAChange() {
        KeyStore other = peer();
        AtomicInteger heard = new AtomicInteger();
        other.onChange(heard::incrementAndGet);
        try {
            Await.result(store.create(key("key_1", "ci-bot", hash('a'))));
            Await.until("the other replica hears of the new key", () -> heard.get() >= 1);
            int before = heard.get();
            Await.result(store.remove("key_1"));
            Await.until("the other replica hears of the removal", () -> heard.get() > before);
            assertEquals(List.of(), Await.result(other.all()));
        } finally {
            other.close();
        }
    }
}
