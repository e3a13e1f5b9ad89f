package dev.loopgate.budgets.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loopgate.budgets.ledger.internal.LedgerScript;
import dev.loopgate.budgets.ledger.internal.RedisBudgetLedger;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.testkit.LocalRedisCluster;
import dev.loopgate.budgets.testkit.TestRedis;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on the real Redis at 127.0.0.1:6379 (the tests fail, never skip, without it),
 * each test in a namespace of its own that is deleted afterwards; and what only Redis has:
 * round trips, key layout, lost scripts, several ledgers on one namespace.
 */
class RedisBudgetLedgerTest extends BudgetLedgerContract {
    private static final Set<String> TOPOLOGY_COMMANDS = Set.of("CLIENT", "CLUSTER", "INFO", "SENTINEL", "HELLO", "PING");

    private final TestRedis redis = where();

    private final String namespace = TestRedis.freshNamespace();
    private final List<RedisBudgetLedger> opened = new ArrayList<>();
    private final List<RedisLink> links = new ArrayList<>();

    /** The Redis this class runs on: the single node; subclasses run the same tests on a Cluster or through Sentinel. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @Override
    protected BudgetLedger newLedger(long reservationTtlMillis, Clock clock) {
        return open(redis.link(), reservationTtlMillis, clock);
    }

    @AfterEach
    void deleteNamespace() {
        opened.forEach(ledger -> await(ledger.closeAsync()));
        links.forEach(RedisLink::shutdown);
        redis.deleteNamespace(namespace);
    }

    @Test
    void reserveAndSettleAreOneEvalshaEachWithoutAKeyCap() {
        List<String> sent = new CopyOnWriteArrayList<>();
        RedisLink client = newLink();
        client.addListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                String type = event.getCommand().getType().toString();
                if (!TOPOLOGY_COMMANDS.contains(type)) { // a cluster's or Sentinel's, on connecting and now and then
                    sent.add(type);
                }
            }
        });
        RedisBudgetLedger counted = open(client);
        long loads = sent.stream().filter("SCRIPT"::equals).count();
        int nodes = redis.link().isCluster() ? LocalRedisCluster.shared().ports().size() : 1;
        assertEquals(LedgerScript.values().length * nodes, loads, "each script is loaded once on connecting (on every node)");
        assertEquals(List.of("EVALSHA"), sent.subList((int) loads, sent.size()), "then the ledger's epoch is checked");
        sent.clear();

        await(counted.reserve(new Call("l").at(T0)));
        assertEquals(List.of("SADD", "EVALSHA"), sent, "a loop's first reserve also adds it to the loops set, pipelined");
        sent.clear();
        Reservation held = allowed(await(counted.reserve(new Call("l").hash("h").limits(usdLimit(USD)).at(T0 + 1))))
                .reservation();
        assertEquals(List.of("EVALSHA"), sent);
        sent.clear();
        await(counted.settle(held, new Settlement(cents(1), 10, false), usdLimit(USD), new BreakerSettings(USD, 3, 1_000, 3),
                T0 + 2));
        assertEquals(List.of("EVALSHA"), sent);

        sent.clear();
        Reservation capped = allowed(await(counted.reserve(new Call("l").key("k", USD).at(T0 + 3)))).reservation();
        assertEquals(List.of("EVALSHA", "EVALSHA"), sent, "a key cap costs one more script: the key's");
        sent.clear();
        await(counted.settle(capped, new Settlement(cents(1), 10, false), BudgetLimits.NONE, BreakerSettings.OFF, T0 + 4));
        assertEquals(List.of("EVALSHA", "EVALSHA"), sent);
    }

    @Test
    void twoLedgersOnTwoClientsNeverOverspendTogether() throws Exception {
        RedisBudgetLedger other = open(newLink());
        raceToReserve(List.of(ledger, other), "shared");
    }

    @Test
    void scriptsLostByRedisAreLoadedAgain() {
        RedisBudgetLedger redisLedger = (RedisBudgetLedger) ledger;
        redis.commands().scriptFlush();
        Reservation held = allowed(reserve(new Call("l").key("k", USD), T0)).reservation();
        redis.commands().scriptFlush();
        assertEquals(cents(5), settle(held, cents(5), T0 + 1).spentNanos());
        redis.commands().scriptFlush();
        assertEquals(cents(5), status("l").spentNanos());
    }

    @Test
    void everyKeyLivesUnderItsLoopsOrItsKeysHashTag() {
        BudgetLimits daily = new BudgetLimits(USD, 1_000_000, 0, 0, Period.DAY);
        BreakerSettings breakers = new BreakerSettings(USD, 5, 60_000, 5);
        Reservation held = allowed(reserve(new Call("l").hash("h").limits(daily).breakers(breakers).key("k", USD), T0))
                .reservation();
        allowed(reserve(new Call("l").limits(usdLimit(USD, Period.MONTH)), T0));
        await(ledger.settle(held, new Settlement(cents(10), 100, true), daily, breakers, T0 + 1));
        await(ledger.pause("l", "stop", "alice", T0 + 2));

        String ns = Pattern.quote(namespace);
        Pattern layout = Pattern.compile(ns + ":v1:(loops|\\{ledger}:epoch|loop:\\{l}:(state|res|resx|events|rate|b:(total|d:2025-06-15"
                + "|m:2025-06)|rep:0:h)|key:\\{k}:d:2025-06-15)");
        List<String> keys = redis.keys(namespace);
        for (String key : keys) {
            assertTrue(layout.matcher(key).matches(), key + " is outside the documented layout");
        }
        for (String expected : List.of("loops", "loop:{l}:state", "loop:{l}:res", "loop:{l}:resx", "loop:{l}:events",
                "loop:{l}:rate", "loop:{l}:b:d:2025-06-15", "loop:{l}:b:m:2025-06", "loop:{l}:rep:0:h",
                "key:{k}:d:2025-06-15")) {
            assertTrue(keys.contains(namespace + ":v1:" + expected), expected + " missing from " + keys);
        }
    }

    @Test
    void periodBucketsAreKeptAWhileAfterTheirPeriodByTheGatewaysClock() {
        long now = T0;
        allowed(reserve(new Call("l").limits(usdLimit(USD, Period.DAY)).key("k", USD), now));
        allowed(reserve(new Call("l").limits(usdLimit(USD, Period.MONTH)), now));
        long dayKept = Instant.parse("2025-06-23T00:00:00Z").toEpochMilli() - now;
        long monthKept = Instant.parse("2025-08-01T00:00:00Z").toEpochMilli() - now;
        assertKeptFor(namespace + ":v1:loop:{l}:b:d:2025-06-15", dayKept);
        assertKeptFor(namespace + ":v1:key:{k}:d:2025-06-15", dayKept);
        assertKeptFor(namespace + ":v1:loop:{l}:b:m:2025-06", monthKept);
        assertEquals(-1, redis.commands().pttl(namespace + ":v1:loop:{l}:state"));
    }

    @Test
    void unreachableRedisFailsEveryCallWithTheReason() {
        RedisLink unreachable = RedisLink.create(RedisEndpoint.single("redis://127.0.0.1:1"));
        RedisBudgetLedger nowhere = BudgetLedgers.redis(unreachable, namespace, TTL, clock, LedgerHistory.NONE);
        opened.add(nowhere);
        try {
            nowhere.reserve(new Call("l").at(T0)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            fail("reserve succeeded without Redis");
        } catch (ExecutionException e) {
            assertTrue(e.getCause().getMessage().startsWith("budget ledger: cannot use Redis at 127.0.0.1:1: "),
                    e.getCause().getMessage());
        } catch (Exception e) {
            fail("expected the reserve to fail, got " + e);
        } finally {
            unreachable.shutdown();
        }
    }

    private void assertKeptFor(String key, long expectedMillis) {
        long ttl = redis.commands().pttl(key);
        assertTrue(ttl <= expectedMillis && ttl > expectedMillis - 10_000,
                key + " expires in " + ttl + " ms, expected about " + expectedMillis);
    }

    private RedisLink newLink() {
        RedisLink link = redis.newLink();
        links.add(link);
        return link;
    }

    private RedisBudgetLedger open(RedisLink link) {
        return open(link, TTL, clock);
    }

    private RedisBudgetLedger open(RedisLink link, long reservationTtlMillis, Clock clock) {
        RedisBudgetLedger ledger = BudgetLedgers.redis(link, namespace, reservationTtlMillis, clock, LedgerHistory.NONE);
        opened.add(ledger);
        await(ledger.ready());
        return ledger;
    }
}
