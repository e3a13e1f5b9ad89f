package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.Period;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Where the ledger lives in Redis. A loop's keys all start with
 * {@code <ns>:v1:loop:{<loopId>}:} and a key's with {@code <ns>:v1:key:{<keyName>}:}, so
 * each script touches one hash slot (Redis Cluster); the epoch marker and its rebuild lock
 * share the slot of {@code {ledger}}. {@code v1} changes with the meaning of any key. The set of loops seen, {@code <ns>:v1:loops}, is written outside the scripts.
 * The layout of each key is in {@code lib_v1.lua} and {@code key_v1.lua}.
 */
public final class RedisKeys {
    private final String namespace;

    private RedisKeys(String namespace) {
        this.namespace = namespace;
    }

    public static RedisKeys of(String namespace) {
        if (namespace == null || namespace.isBlank() || namespace.chars().anyMatch(c -> Character.isWhitespace(c)
                || Character.isISOControl(c) || c == '{' || c == '}')) {
            throw new IllegalArgumentException("namespace must be non-blank without spaces or braces, was '"
                    + namespace + "'");
        }
        return new RedisKeys(namespace);
    }

    public String namespace() {
        return namespace;
    }

    /** Set: the id of every loop seen. */
    public String loops() {
        return namespace + ":v1:loops";
    }

    /** String: the ledger's epoch id; Redis without it has lost the ledger (see {@code epoch_v1.lua}). */
    public String epoch() {
        return namespace + ":v1:{ledger}:epoch";
    }

    /** String: the owner of a rebuild under way, in the epoch's slot. */
    public String rebuildLock() {
        return namespace + ":v1:{ledger}:rebuild";
    }

    public String loopPrefix(String loopId) {
        return namespace + ":v1:loop:{" + loopId + "}:";
    }

    /**
     * The keys a loop script declares: its state, which routes it to the loop's slot; the
     * scripts name the loop's other keys from the prefix ({@code lib_v1.lua}), so a call sends one key.
     */
    public String[] loopKeys(String loopId) {
        return new String[] {loopPrefix(loopId) + "state"};
    }

    /** The keys of settle_v1 and charge_v1: the state and the bucket charged (the reservation's). */
    public String[] settleKeys(String loopId, String bucket) {
        String prefix = loopPrefix(loopId);
        return new String[] {prefix + "state", prefix + "b:" + bucket};
    }

    /** ARGV[1..11] of a loop script, then {@code extra} from ARGV[12]. */
    public String[] loopArgs(String loopId, long now, BudgetLimits limits, String... extra) {
        String[] args = new String[11 + extra.length];
        args[0] = loopPrefix(loopId);
        args[1] = Long.toString(now);
        args[2] = Buckets.name(Period.DAY, now);
        args[3] = Long.toString(Buckets.expireAt(Period.DAY, now));
        args[4] = Buckets.name(Period.MONTH, now);
        args[5] = Long.toString(Buckets.expireAt(Period.MONTH, now));
        args[6] = Long.toString(limits.usdNanos());
        args[7] = Long.toString(limits.tokens());
        args[8] = Long.toString(limits.steps());
        args[9] = Long.toString(limits.wallClockMillis());
        args[10] = limits.period().name();
        System.arraycopy(extra, 0, args, 11, extra.length);
        return args;
    }

    /** Hash: a key's spend and reservations on one UTC day. */
    public String keyDay(String keyName, String day) {
        return namespace + ":v1:key:{" + keyName + "}:d:" + day;
    }

    /** When a key's day hash may be deleted: as a loop's day bucket. */
    public static long keyDayExpireAt(String day) {
        return Buckets.dayExpireAt(LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    }
}
