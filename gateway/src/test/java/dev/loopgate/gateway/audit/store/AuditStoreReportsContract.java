package dev.loopgate.gateway.audit.store;

import static dev.loopgate.gateway.audit.store.Calls.DAY;
import static dev.loopgate.gateway.audit.store.Calls.HOUR;
import static dev.loopgate.gateway.audit.store.Calls.T0;
import static dev.loopgate.gateway.audit.store.Calls.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LedgerSnapshot;
import dev.loopgate.budgets.ledger.LoopHistory;
import dev.loopgate.budgets.ledger.LoopHistory.Spend;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.LoopReport;
import dev.loopgate.gateway.audit.RecordedTraffic;
import dev.loopgate.gateway.audit.SpendQuery;
import dev.loopgate.gateway.audit.SpendQuery.Dimension;
import dev.loopgate.gateway.audit.SpendReport;
import dev.loopgate.rules.RecordedCall;
import dev.loopgate.rules.RequestFacts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Spend and loop reports, on every database: the same answers a plain computation gives. */
abstract class AuditStoreReportsContract extends AuditStoreTestBase {
    private static final DateTimeFormatter UTC_DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter UTC_HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

    @Test
    void spendGroupsByEachDimensionLikeAPlainComputation() {
        List<AuditEntry> traffic = traffic();
        AuditStore store = open("a");
        store.append(traffic);
        SpendQuery.Dimension[] all = Dimension.values();
        for (Dimension dimension : all) {
            SpendQuery query = new SpendQuery(T0, T0 + 3 * DAY, List.of(dimension));
            assertSameSpend(expected(traffic, query), store.spend(query));
        }
    }

    @Test
    void spendGroupsByCombinationsOfDimensions() {
        List<AuditEntry> traffic = traffic();
        AuditStore store = open("a");
        store.append(traffic);
        List<List<Dimension>> combinations = List.of(
                List.of(),
                List.of(Dimension.LOOP, Dimension.TIER),
                List.of(Dimension.DAY, Dimension.MODEL, Dimension.ROLE),
                List.of(Dimension.HOUR, Dimension.KEY),
                List.of(Dimension.RULE, Dimension.PROVIDER, Dimension.RUN),
                Arrays.asList(Dimension.values()));
        for (List<Dimension> groupBy : combinations) {
            SpendQuery query = new SpendQuery(T0 + 6 * HOUR, T0 + 2 * DAY + 3 * HOUR, groupBy);
            assertSameSpend(expected(traffic, query), store.spend(query));
        }
    }

    @Test
    void spendForOneLoopCountsOnlyThatLoopsCalls() {
        List<AuditEntry> traffic = traffic();
        AuditStore store = open("a");
        store.append(traffic);
        for (List<Dimension> groupBy : List.of(List.of(Dimension.DAY, Dimension.TIER), List.of(Dimension.RULE))) {
            SpendQuery query = new SpendQuery(T0, T0 + 3 * DAY, groupBy, "build-2");
            assertSameSpend(expected(traffic, query), store.spend(query));
        }
        assertEquals(0, store.spend(new SpendQuery(T0, T0 + 3 * DAY, List.of(), "nobody")).totals().calls());
    }

    @Test
    void recordedCallsAreTheWindowsServedCallsNewestFirstWithTheFactsTheAuditKeeps() {
        AuditStore store = open("a");
        store.append(List.of(
                call(T0 - 1).loop("early").build(),
                call(T0 + 3 * HOUR).loop("L").run("r-7").role("checker").step(12L).tokens(900, 120, 0).build(),
                call(T0 + 5 * HOUR).loop("M").role(null).step(null).tokens(10, 5, 0).build(),
                call(T0 + 6 * HOUR).loop("refused").status(429).build(),
                call(T0 + 7 * HOUR).loop(null).build(),
                AuditEntry.admin(T0 + 8 * HOUR, "loop.pause", "ops", "L", "{}"),
                call(T0 + DAY).loop("late").build()));

        RecordedTraffic traffic = store.recordedCalls(T0, T0 + DAY, 10);

        assertEquals(List.of("M", "L"), traffic.calls().stream().map(c -> c.facts().loopId()).toList());
        assertFalse(traffic.truncated());
        RecordedCall l = traffic.calls().get(1);
        assertEquals("auto", l.facts().requestedModel());
        assertEquals("r-7", l.facts().run());
        assertEquals("checker", l.facts().role());
        assertEquals(12, l.facts().step());
        assertEquals(3, l.facts().utcHour());
        assertEquals(900, l.promptTokens());
        assertEquals(900, l.facts().promptTokens());
        assertEquals(120, l.completionTokens());
        RecordedCall m = traffic.calls().get(0);
        assertEquals(RequestFacts.ABSENT, m.facts().step());
        assertEquals(null, m.facts().role());

        RecordedTraffic newest = store.recordedCalls(T0, T0 + DAY, 1);
        assertEquals(List.of("M"), newest.calls().stream().map(c -> c.facts().loopId()).toList());
        assertTrue(newest.truncated());
    }

    @Test
    void spendWindowIncludesFromAndExcludesTo() {
        long from = T0 + DAY;
        long to = T0 + 2 * DAY;
        AuditStore store = open("a");
        store.append(List.of(call(from - 1).cost(1).build(), call(from).cost(10).build(),
                call(to - 1).cost(100).build(), call(to).cost(1000).build()));
        SpendReport report = store.spend(new SpendQuery(from, to, List.of(Dimension.DAY)));
        assertEquals(2, report.totals().calls());
        assertEquals(110, report.totals().costNanos());
        assertEquals(List.of("2026-03-02"), report.rows().stream().map(r -> r.group().get(Dimension.DAY)).toList());
    }

    @Test
    void daysAndHoursAreBucketedInUtcWhateverTheLocalZone() {
        TimeZone local = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        try {
            AuditStore store = open("a");
            long midnight = T0 + DAY;
            store.append(List.of(call(midnight - 1).cost(2).build(), call(midnight).cost(1).build()));
            SpendQuery byDay = new SpendQuery(T0, T0 + 3 * DAY, List.of(Dimension.DAY));
            assertEquals(List.of("2026-03-01", "2026-03-02"),
                    store.spend(byDay).rows().stream().map(r -> r.group().get(Dimension.DAY)).toList());
            SpendQuery byHour = new SpendQuery(T0, T0 + 3 * DAY, List.of(Dimension.HOUR));
            assertEquals(List.of("2026-03-01T23", "2026-03-02T00"),
                    store.spend(byHour).rows().stream().map(r -> r.group().get(Dimension.HOUR)).toList());
        } finally {
            TimeZone.setDefault(local);
        }
    }

    @Test
    void spendSortsByCostThenByGroupValuesWithNoValueLast() {
        AuditStore store = open("a");
        store.append(List.of(call(T0).loop("b").cost(5).build(), call(T0).loop(null).cost(5).build(),
                call(T0).loop("c").cost(9).build(), call(T0).loop("a").cost(5).build(),
                call(T0).loop("B").cost(5).build()));
        SpendReport report = store.spend(new SpendQuery(T0, T0 + DAY, List.of(Dimension.LOOP)));
        assertEquals(Arrays.asList("c", "B", "a", "b", null),
                report.rows().stream().map(r -> r.group().get(Dimension.LOOP)).toList());
        assertEquals(new SpendReport.Row(Map.of(), 5, 0, 500, 250, 0, 29), report.totals());
    }

    @Test
    void spendCountsCallsOutside2xxAsErrorsAndLeavesAdminRowsOut() {
        AuditStore store = open("a");
        List<AuditEntry> entries = new ArrayList<>();
        for (int status : new int[] {200, 204, 299, 199, 300, 402, 429, 499, 502}) {
            entries.add(call(T0).status(status).tokens(10, 5, 2).cost(7).build());
        }
        entries.add(AuditEntry.admin(T0, "loop.pause", "ops", "build-1", "{}"));
        store.append(entries);
        SpendReport report = store.spend(new SpendQuery(T0, T0 + DAY, List.of(Dimension.LOOP)));
        assertEquals(List.of(new SpendReport.Row(Map.of(Dimension.LOOP, "build-1"), 9, 6, 90, 45, 18, 63)),
                report.rows());
    }

    @Test
    void spendOverAnEmptyWindowHasNoRowsAndZeroTotals() {
        AuditStore store = open("a");
        store.append(List.of(call(T0).build()));
        SpendReport report = store.spend(new SpendQuery(T0 + DAY, T0 + 2 * DAY, List.of()));
        assertEquals(List.of(), report.rows());
        assertEquals(new SpendReport.Row(Map.of(), 0, 0, 0, 0, 0, 0), report.totals());
    }

    @Test
    void loopReportHasTotalsTierMixDailySeriesTopRulesAndEventsNewestFirst() {
        long day1 = T0 + DAY;
        List<AuditEntry> entries = new ArrayList<>(List.of(
                call(T0 + 23 * HOUR).loop("L").cost(99_999).build(),
                call(day1 + HOUR).loop("M").cost(5_000).build(),
                call(day1 + HOUR).loop("L").tier("frontier").rule("r1").cost(300).build(),
                call(day1 + 2 * HOUR).loop("L").tier("mid").rule("r2").cost(100).build(),
                call(day1 + DAY).loop("L").tier("mid").rule("r2").cost(100).build(),
                call(day1 + DAY + 1).loop("L").tier("mid").rule("r2").cost(100).build(),
                call(day1 + DAY + 2).loop("L").tier("mid").rule("r2").status(502).cost(100).build(),
                call(day1 + DAY + 3).loop("L").tier("light").rule("r3").cost(10).build(),
                call(day1 + DAY + 4).loop("L").tier(null).rule(null).status(402).cost(0).build()));
        for (int r = 4; r <= 15; r++) {
            entries.add(call(day1 + 2 * DAY + r).loop("L").tier("light").rule("r" + r).cost(16 + r).build());
        }
        entries.addAll(List.of(
                AuditEntry.admin(day1 - 1, "loop.trip", "loopgate", "L", "{\"breaker\":\"old\"}"),
                AuditEntry.admin(day1 + DAY + 10 * HOUR, "loop.trip", "loopgate", "L", "{\"breaker\":\"spend_rate\"}"),
                AuditEntry.admin(day1 + DAY + 11 * HOUR, "loop.resume", "ops", "L", "{\"reason\":\"raised cap\"}"),
                AuditEntry.admin(day1 + DAY + 12 * HOUR, "rules.put", "ops", null, "{\"version\":4}"),
                AuditEntry.admin(day1 + DAY + 13 * HOUR, "loop.pause", "ops", "M", "{}"),
                AuditEntry.admin(day1 + 2 * DAY + HOUR, "loop.budget", "ops", "L", "{\"usd\":20}")));
        AuditStore store = open("a");
        store.append(entries);

        LoopReport report = store.loop("L", day1, day1 + 3 * DAY);

        assertEquals("L", report.loopId());
        long rulesCost = 0;
        for (int r = 4; r <= 15; r++) {
            rulesCost += 16 + r;
        }
        assertEquals(new SpendReport.Row(Map.of(Dimension.LOOP, "L"), 19, 2, 1_900, 950, 0, 710 + rulesCost),
                report.totals());
        assertEquals(Arrays.asList("mid", "light", "frontier", null),
                report.tiers().stream().map(r -> r.group().get(Dimension.TIER)).toList());
        assertEquals(List.of(4L, 13L, 1L, 1L), report.tiers().stream().map(SpendReport.Row::calls).toList());
        assertEquals(List.of("2026-03-02", "2026-03-03", "2026-03-04"),
                report.days().stream().map(r -> r.group().get(Dimension.DAY)).toList());
        assertEquals(List.of(2L, 5L, 12L), report.days().stream().map(SpendReport.Row::calls).toList());
        assertEquals(List.of("r2", "r1", "r15", "r14", "r13", "r12", "r11", "r10", "r9", "r8"),
                report.topRules().stream().map(r -> r.group().get(Dimension.RULE)).toList());
        assertEquals(List.of("loop.budget", "loop.resume", "loop.trip"),
                report.events().stream().map(LoopReport.Event::action).toList());
        assertEquals(new LoopReport.Event(day1 + DAY + 11 * HOUR, "loop.resume", "ops", "{\"reason\":\"raised cap\"}"),
                report.events().get(1));
    }

    @Test
    void loopReportForAnUnknownLoopIsEmpty() {
        AuditStore store = open("a");
        store.append(List.of(call(T0).build()));
        LoopReport report = store.loop("nobody", T0, T0 + DAY);
        assertEquals(0, report.totals().calls());
        assertTrue(report.tiers().isEmpty() && report.days().isEmpty() && report.topRules().isEmpty()
                && report.events().isEmpty());
    }

    /** Three days of varied calls (some without tier, role, rule or loop), plus admin rows. */
    private static List<AuditEntry> traffic() {
        Random random = new Random(42);
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long at = T0 - HOUR + (long) (random.nextDouble() * (3 * DAY + 2 * HOUR));
            entries.add(call(at).id("req-" + i)
                    .loop(pick(random, "build-1", "build-2", "nightly-x", null))
                    .run(pick(random, "r1", "r2"))
                    .tier(pick(random, "frontier", "mid", "light", null))
                    .model(pick(random, "big", "small"))
                    .provider(pick(random, "anthropic", "openai"))
                    .role(pick(random, "maker", "checker", null))
                    .rule(pick(random, "checker-frontier", "retry-escalates", "default", null))
                    .key(pick(random, "build-bot", "night-bot"))
                    .status(pick(random, 200, 200, 200, 429, 502))
                    .tokens(random.nextInt(5_000), random.nextInt(2_000), random.nextInt(500))
                    .cost(random.nextInt(1_000_000))
                    .build());
            if (i % 50 == 0) {
                entries.add(AuditEntry.admin(at, "loop.pause", "ops", "build-1", "{}"));
            }
        }
        return entries;
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static List<SpendReport.Row> expected(List<AuditEntry> entries, SpendQuery query) {
        Map<Map<Dimension, String>, long[]> sums = new LinkedHashMap<>();
        for (AuditEntry e : entries) {
            if (e.kind() != AuditEntry.Kind.CALL || e.atMillis() < query.fromMillis() || e.atMillis() >= query.toMillis()
                    || query.loopId() != null && !query.loopId().equals(e.loopId())) {
                continue;
            }
            Map<Dimension, String> group = new LinkedHashMap<>();
            query.groupBy().forEach(d -> group.put(d, value(e, d)));
            long[] s = sums.computeIfAbsent(group, g -> new long[6]);
            s[0]++;
            s[1] += e.status() >= 200 && e.status() < 300 ? 0 : 1;
            s[2] += e.promptTokens();
            s[3] += e.completionTokens();
            s[4] += e.cachedTokens();
            s[5] += e.costNanos();
        }
        List<SpendReport.Row> rows = new ArrayList<>();
        sums.forEach((g, s) -> rows.add(new SpendReport.Row(g, s[0], s[1], s[2], s[3], s[4], s[5])));
        Comparator<SpendReport.Row> order = Comparator.comparingLong(SpendReport.Row::costNanos).reversed();
        for (Dimension d : query.groupBy()) {
            order = order.thenComparing(r -> r.group().get(d), Comparator.nullsLast(Comparator.<String>naturalOrder()));
        }
        rows.sort(order);
        return rows;
    }

    private static String value(AuditEntry e, Dimension dimension) {
        return switch (dimension) {
            case LOOP -> e.loopId();
            case RUN -> e.run();
            case TIER -> e.tier();
            case MODEL -> e.model();
            case PROVIDER -> e.provider();
            case ROLE -> e.role();
            case RULE -> e.rule();
            case KEY -> e.keyName();
            case DAY -> UTC_DAY.format(Instant.ofEpochMilli(e.atMillis()));
            case HOUR -> UTC_HOUR.format(Instant.ofEpochMilli(e.atMillis()));
        };
    }

    private static void assertSameSpend(List<SpendReport.Row> expected, SpendReport actual) {
        assertTrue(expected.size() > 0 || actual.rows().isEmpty());
        assertEquals(expected, actual.rows(), "group by " + actual.query().groupBy());
        SpendReport.Row totals = actual.totals();
        assertEquals(expected.stream().mapToLong(SpendReport.Row::calls).sum(), totals.calls());
        assertEquals(expected.stream().mapToLong(SpendReport.Row::costNanos).sum(), totals.costNanos());
        assertEquals(expected.stream().mapToLong(SpendReport.Row::errors).sum(), totals.errors());
    }

    @Test
    void ledgerHistorySumsEachLoopsChargesByPeriodWithItsLastPauseAndOverride() {
        long now = T0 + 40 * DAY + 12 * HOUR;
        long today = T0 + 40 * DAY;
        AuditStore store = open("a");
        store.append(List.of(
                call(T0).loop("l").key("k").cost(100).tokens(10, 5, 0).build(),
                call(today - DAY).loop("l").key("k").cost(200).tokens(20, 5, 0).build(),
                call(today + HOUR).loop("l").key("k").cost(300).tokens(30, 5, 0).build(),
                call(today + 2 * HOUR).loop("l").key("other").cost(0).tokens(0, 0, 0).provider(null).status(402).build(),
                AuditEntry.admin(T0 + HOUR, "loop.trip", "loopgate", "l",
                        "{\"breaker\":\"hard_budget\",\"reason\":\"spent it\"}"),
                AuditEntry.admin(T0 + 2 * HOUR, "loop.resume", "ops", "l", "{\"reason\":\"raised\"}"),
                AuditEntry.admin(T0 + 3 * HOUR, "loop.pause", "ops", "p", "{\"breaker\":\"manual\",\"reason\":\"odd\"}"),
                AuditEntry.admin(T0 + 4 * HOUR, "loop.budget", "ops", "p",
                        "{\"usd\":\"0.5\",\"steps\":9,\"wall_clock\":\"PT1H\",\"period\":\"day\"}"),
                AuditEntry.admin(T0 + 5 * HOUR, "loop.budget", "ops", "l", "{\"usd\":\"2\",\"period\":\"total\"}"),
                AuditEntry.admin(T0 + 6 * HOUR, "loop.budget", "ops", "l", "{\"override\":null}")));

        LedgerSnapshot history = store.ledgerHistory(now);
        Map<String, LoopHistory> loops = new LinkedHashMap<>();
        history.loops().forEach(loop -> loops.put(loop.loopId(), loop));
        assertEquals(Set.of("l", "p"), loops.keySet());
        LoopHistory l = loops.get("l");
        assertEquals(new Spend(600, 75), l.total());
        assertEquals(new Spend(300, 35), l.today());
        assertEquals(new Spend(500, 60), l.thisMonth(), "the month of 'now' holds the last two charged calls");
        assertEquals(3, l.steps(), "the refused call was no step");
        assertEquals(T0 - 120, l.firstCallMillis(), "the first call started its latency before its row");
        assertNull(l.pausedBy(), "resumed after its trip");
        assertNull(l.override(), "its override was dropped");
        LoopHistory p = loops.get("p");
        assertEquals(Spend.NONE, p.total());
        assertEquals(new Trip("p", Breaker.MANUAL, "odd", T0 + 3 * HOUR), p.pausedBy());
        assertEquals(new BudgetLimits(500_000_000L, 0, 9, 3_600_000L, Period.DAY), p.override());
        assertEquals(Map.of("k", 300L), history.keySpentTodayNanos());
    }
}
