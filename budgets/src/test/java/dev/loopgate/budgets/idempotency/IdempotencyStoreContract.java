package dev.loopgate.budgets.idempotency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IdempotencyStore} must do. Waits are bounded; expiry is driven by the fake
 * clock where the store reads one, otherwise awaited (short TTLs), never slept for.
 */
public abstract class IdempotencyStoreContract {
    protected static final Duration TTL = Duration.ofHours(24);
    protected static final Duration LEASE = Duration.ofMinutes(10);
    protected static final Duration SHORT = Duration.ofMillis(300);
    protected static final Duration LONG_WAIT = Duration.ofSeconds(10);
    protected static final String SCOPE = "build-bot\nbuild-7\nretry-42";
    protected static final String BODY = "3f2a9c";
    protected static final String OTHER_BODY = "77e1d0";

    protected FakeClock clock;
    protected IdempotencyStore store;
    private final List<IdempotencyStore> stores = new ArrayList<>();

    /** A store reading time from {@code clock} (where it reads time), sharing nothing with earlier tests. */
    protected abstract IdempotencyStore newStore(FakeClock clock, Duration ttl, Duration lease);

    /** Lets {@code duration} pass for expiry: moves the clock, or waits until the store's keys that short lapse. */
    protected abstract void letPass(Duration duration);

    /** How many claims of {@code store} are waiting for a running call. */
    protected abstract int waiting(IdempotencyStore store);

    /** Runs after every store of the test is closed. */
    protected void afterStoresClosed() {
    }

    @BeforeEach
    void startStore() {
        clock = new FakeClock();
        store = store(TTL, LEASE);
    }

    @AfterEach
    void closeStores() {
        stores.forEach(IdempotencyStore::close);
        afterStoresClosed();
    }

    /** Another store of this test (closed after it), e.g. with short times. */
    protected IdempotencyStore store(Duration ttl, Duration lease) {
        IdempotencyStore made = newStore(clock, ttl, lease);
        stores.add(made);
        return made;
    }

    @Test
    void theFirstClaimOwnsTheSlot() {
        IdempotencyClaim.First first = assertInstanceOf(IdempotencyClaim.First.class, claim(SCOPE, BODY, Duration.ZERO));
        assertFalse(first.token().isBlank());
        assertInstanceOf(IdempotencyClaim.InFlight.class, claim(SCOPE, BODY, Duration.ZERO));
    }

    @Test
    void aCompletedAnswerIsReplayedForTheSameBody() {
        String token = own(SCOPE, BODY);
        StoredAnswer answer = StoredAnswer.whole(200, "application/json",
                Map.of("x-loopgate-model", "gpt-4.1-mini"), "{\"id\":\"chatcmpl-1\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(Await.result(store.complete(SCOPE, token, answer)));

        assertSameAnswer(answer, replay(claim(SCOPE, BODY, Duration.ZERO)));
        assertSameAnswer(answer, replay(claim(SCOPE, BODY, LONG_WAIT)));
    }

    @Test
    void aStreamIsReplayedChunkByChunk() {
        String token = own(SCOPE, BODY);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-loopgate-tier", "mid");
        headers.put("x-loopgate-cost-usd", "0.00042");
        StoredAnswer stream = new StoredAnswer(200, "text/event-stream", headers, List.of(
                sse("{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}"),
                sse("{\"choices\":[{\"delta\":{\"content\":\"lo ✓\"}}]}"),
                new byte[0],
                new byte[] {0, (byte) 0xff, '\n', '\r', ' '},
                sse("[DONE]")));
        assertTrue(Await.result(store.complete(SCOPE, token, stream)));

        StoredAnswer replayed = replay(claim(SCOPE, BODY, Duration.ZERO));
        assertSameAnswer(stream, replayed);
        assertEquals(List.copyOf(headers.keySet()), List.copyOf(replayed.headers().keySet()), "header order kept");
    }

    @Test
    void theSameKeyWithAnotherBodyConflicts() {
        String token = own(SCOPE, BODY);
        assertInstanceOf(IdempotencyClaim.Conflict.class, claim(SCOPE, OTHER_BODY, LONG_WAIT), "while in flight");
        Await.result(store.complete(SCOPE, token, answer("first")));
        assertInstanceOf(IdempotencyClaim.Conflict.class, claim(SCOPE, OTHER_BODY, Duration.ZERO), "once answered");
        assertEquals("first", text(replay(claim(SCOPE, BODY, Duration.ZERO))));
    }

    @Test
    void aClaimWaitingForARunningCallGetsItsAnswer() {
        String token = own(SCOPE, BODY);
        CompletableFuture<IdempotencyClaim> duplicate = store.claim(SCOPE, BODY, LONG_WAIT).toCompletableFuture();
        Await.until("the duplicate waits", () -> waiting(store) == 1);
        assertFalse(duplicate.isDone());

        assertTrue(Await.result(store.complete(SCOPE, token, answer("the answer"))));
        assertEquals("the answer", text(replay(Await.result(duplicate))));
    }

    @Test
    void manyDuplicatesWaitForOneOwner() {
        List<CompletableFuture<IdempotencyClaim>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            claims.add(store.claim(SCOPE, BODY, LONG_WAIT).toCompletableFuture());
        }
        Await.until("one owns and seven wait", () -> waiting(store) == 7
                && claims.stream().filter(CompletableFuture::isDone).count() == 1);
        CompletableFuture<IdempotencyClaim> owner = claims.stream().filter(CompletableFuture::isDone).findFirst()
                .orElseThrow();
        String token = assertInstanceOf(IdempotencyClaim.First.class, owner.join()).token();

        Await.result(store.complete(SCOPE, token, answer("once")));
        for (CompletableFuture<IdempotencyClaim> claim : claims) {
            if (claim != owner) {
                assertEquals("once", text(replay(Await.result(claim))));
            }
        }
    }

    @Test
    void anAbandonedClaimLetsTheNextClaimOwnIt() {
        String token = own(SCOPE, BODY);
        assertTrue(Await.result(store.abandon(SCOPE, token)));
        String next = own(SCOPE, BODY);
        assertNotEquals(token, next);
    }

    @Test
    void aWaitingClaimOwnsTheSlotWhenTheOwnerAbandons() {
        String token = own(SCOPE, BODY);
        CompletableFuture<IdempotencyClaim> duplicate = store.claim(SCOPE, BODY, LONG_WAIT).toCompletableFuture();
        Await.until("the duplicate waits", () -> waiting(store) == 1);

        assertTrue(Await.result(store.abandon(SCOPE, token)));
        String next = assertInstanceOf(IdempotencyClaim.First.class, Await.result(duplicate)).token();
        assertTrue(Await.result(store.complete(SCOPE, next, answer("second try"))));
        assertEquals("second try", text(replay(claim(SCOPE, BODY, Duration.ZERO))));
    }

    @Test
    void aWaitThatRunsOutAnswersInFlight() {
        own(SCOPE, BODY);
        assertInstanceOf(IdempotencyClaim.InFlight.class, claim(SCOPE, BODY, Duration.ofMillis(60)));
        assertEquals(0, waiting(store), "no waiter is left behind");
    }

    @Test
    void aStaleTokenCannotCompleteOrAbandon() {
        String stale = own(SCOPE, BODY);
        Await.result(store.abandon(SCOPE, stale));
        String current = own(SCOPE, BODY);

        assertFalse(Await.result(store.complete(SCOPE, stale, answer("stale"))));
        assertFalse(Await.result(store.abandon(SCOPE, stale)));
        assertFalse(Await.result(store.complete(SCOPE, "made-up-token", answer("made up"))));
        assertInstanceOf(IdempotencyClaim.InFlight.class, claim(SCOPE, BODY, Duration.ZERO), "still the current owner's");

        assertTrue(Await.result(store.complete(SCOPE, current, answer("current"))));
        assertFalse(Await.result(store.complete(SCOPE, current, answer("twice"))), "an answer is written once");
        assertEquals("current", text(replay(claim(SCOPE, BODY, Duration.ZERO))));
        assertFalse(Await.result(store.complete("never-claimed", current, answer("nowhere"))));
    }

    @Test
    void answersAreForgottenAfterTheirTimeToLive() {
        IdempotencyStore shortLived = store(SHORT, LEASE);
        String token = own(shortLived, SCOPE, BODY);
        Await.result(shortLived.complete(SCOPE, token, answer("kept briefly")));
        assertInstanceOf(IdempotencyClaim.Replay.class, Await.result(shortLived.claim(SCOPE, BODY, Duration.ZERO)));

        letPass(SHORT);
        assertInstanceOf(IdempotencyClaim.First.class, Await.result(shortLived.claim(SCOPE, OTHER_BODY, Duration.ZERO)),
                "after the TTL the key is free, even for another body");
    }

    @Test
    void aCrashedOwnersLeaseLapsesAndItsTokenGoesStale() {
        IdempotencyStore shortLease = store(TTL, SHORT);
        String crashed = own(shortLease, SCOPE, BODY);
        letPass(SHORT);

        String next = own(shortLease, SCOPE, BODY);
        assertFalse(Await.result(shortLease.complete(SCOPE, crashed, answer("late"))));
        assertTrue(Await.result(shortLease.complete(SCOPE, next, answer("on time"))));
        assertEquals("on time", text(replay(Await.result(shortLease.claim(SCOPE, BODY, Duration.ZERO)))));
    }

    @Test
    void onlyTheOwnerRenewsItsLeaseAndOnlyWhileItOwnsIt() {
        IdempotencyStore shortLease = store(TTL, SHORT);
        String owner = own(shortLease, SCOPE, BODY);
        assertTrue(Await.result(shortLease.renew(SCOPE, owner)));
        assertFalse(Await.result(shortLease.renew(SCOPE, "someone-else")));
        assertFalse(Await.result(shortLease.renew("another\nscope\nkey", owner)));

        assertTrue(Await.result(shortLease.complete(SCOPE, owner, answer("done"))));
        assertFalse(Await.result(shortLease.renew(SCOPE, owner)), "an answered slot has no lease to renew");
    }

    @Test
    void aCrashedOwnerCannotRenewOnceItsLeaseLapsed() {
        IdempotencyStore shortLease = store(TTL, SHORT);
        String crashed = own(shortLease, SCOPE, BODY);
        letPass(SHORT);

        assertFalse(Await.result(shortLease.renew(SCOPE, crashed)));
        String next = own(shortLease, SCOPE, BODY);
        assertTrue(Await.result(shortLease.renew(SCOPE, next)));
    }

    @Test
    void scopesAreIndependentWhateverTheirCharacters() {
        List<String> scopes = List.of(SCOPE, "build-bot\nbuild-7\nretry-43", "k\nl\n{tag}: *?[]",
                "ключ\nцикл\n🔁", "a\nb\n" + "x".repeat(2000));
        List<String> tokens = new ArrayList<>();
        for (String scope : scopes) {
            tokens.add(own(scope, BODY));
        }
        for (int i = 0; i < scopes.size(); i++) {
            Await.result(store.complete(scopes.get(i), tokens.get(i), answer("answer " + i)));
        }
        for (int i = 0; i < scopes.size(); i++) {
            assertEquals("answer " + i, text(replay(claim(scopes.get(i), BODY, Duration.ZERO))));
        }
    }

    @Test
    void aClosedStoreFailsItsWaitingClaims() {
        IdempotencyStore closing = store(TTL, LEASE);
        own(closing, SCOPE, BODY);
        CompletableFuture<IdempotencyClaim> duplicate = closing.claim(SCOPE, BODY, LONG_WAIT).toCompletableFuture();
        Await.until("the duplicate waits", () -> waiting(closing) == 1);
        closing.close();
        assertInstanceOf(IllegalStateException.class, Await.failure(duplicate));
        assertInstanceOf(IllegalStateException.class, Await.failure(closing.claim(SCOPE, BODY, Duration.ZERO)));
    }

    @Test
    void badArgumentsAreRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> store.claim("", BODY, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> store.claim(SCOPE, "", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> store.claim(SCOPE, "has space", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> store.claim(SCOPE, BODY, Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> store.complete(SCOPE, null, answer("x")));
        assertThrows(IllegalArgumentException.class, () -> new StoredAnswer(42, null, Map.of(), List.of()));
    }

    protected IdempotencyClaim claim(String scope, String bodyHash, Duration wait) {
        return Await.result(store.claim(scope, bodyHash, wait));
    }

    protected String own(String scope, String bodyHash) {
        return own(store, scope, bodyHash);
    }

    protected static String own(IdempotencyStore store, String scope, String bodyHash) {
        IdempotencyClaim claim = Await.result(store.claim(scope, bodyHash, Duration.ZERO));
        return assertInstanceOf(IdempotencyClaim.First.class, claim).token();
    }

    protected static StoredAnswer replay(IdempotencyClaim claim) {
        return assertInstanceOf(IdempotencyClaim.Replay.class, claim).answer();
    }

    protected static StoredAnswer answer(String text) {
        return StoredAnswer.whole(200, "text/plain", Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    protected static String text(StoredAnswer answer) {
        assertEquals(1, answer.chunks().size());
        return new String(answer.chunks().get(0), StandardCharsets.UTF_8);
    }

    private static byte[] sse(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    protected static void assertSameAnswer(StoredAnswer expected, StoredAnswer actual) {
        assertEquals(expected.status(), actual.status());
        assertEquals(expected.contentType(), actual.contentType());
        assertEquals(expected.headers(), actual.headers());
        assertEquals(expected.chunks().size(), actual.chunks().size(), "chunk count");
        for (int i = 0; i < expected.chunks().size(); i++) {
            assertArrayEquals(expected.chunks().get(i), actual.chunks().get(i), "chunk " + i);
        }
    }
}
