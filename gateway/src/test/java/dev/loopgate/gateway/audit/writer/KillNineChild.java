package dev.loopgate.gateway.audit.writer;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.store.AuditStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Run by {@link AuditWriterKillTest} in a JVM of its own: submits numbered entries at a steady
 * rate (about 5,000 a second) to a writer over a real store, and prints how many it has
 * submitted, until the test kills it with SIGKILL. Gives up by itself after a minute, so a test
 * JVM that dies first never leaves it running.
 */
public final class KillNineChild {
    static final String CHAIN = "kill-chain";
    static final long GIVE_UP_NANOS = 60_000_000_000L;

    private KillNineChild() {
    }

    public static void main(String[] args) {
        AuditStore store = AuditStores.open(args[0], CHAIN);
        AuditWriter writer = new AuditWriter(store, Path.of(args[1]), 100_000, Duration.ofMillis(200), 500);
        long giveUpAt = System.nanoTime() + GIVE_UP_NANOS;
        for (long n = 1; System.nanoTime() - giveUpAt < 0; n++) {
            writer.submit(Entries.numbered("k", n));
            if (n % 5 == 0) {
                LockSupport.parkNanos(1_000_000);
            }
            if (n % 50 == 0) {
                System.out.println(n);
                System.out.flush();
            }
        }
        writer.close();
        store.close();
    }
}
