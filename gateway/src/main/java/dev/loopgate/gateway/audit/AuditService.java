package dev.loopgate.gateway.audit;

import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.audit.writer.AuditWriter;
import dev.loopgate.gateway.config.AuditConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of one gateway instance: its store (and hash chain), the writer that
 * batches rows into it off the event loops, and the daily retention purge.
 */
public final class AuditService {
    private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
    static final int QUEUE_CAPACITY = 100_000;
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
    static final int BATCH_SIZE = 500;
    static final Duration PURGE_INTERVAL = Duration.ofHours(6);

    private final Vertx vertx;
    private final AuditStore store;
    private final AuditWriter writer;
    private final long purgeTimer;

    private AuditService(Vertx vertx, AuditStore store, AuditWriter writer, long purgeTimer) {
        this.vertx = vertx;
        this.store = store;
        this.writer = writer;
        this.purgeTimer = purgeTimer;
    }

    /** Opens the store (applying its migrations) on a worker thread and starts the writer. */
    public static Future<AuditService> start(Vertx vertx, AuditConfig config, Clock clock) {
        String chainId = chainId();
        return vertx.<AuditStore>executeBlocking(() -> AuditStores.open(config.url(), chainId), false).map(store -> {
            AuditWriter writer = new AuditWriter(store, config.spoolDir(), QUEUE_CAPACITY, FLUSH_INTERVAL, BATCH_SIZE);
            long purge = config.retentionDays() == 0 ? -1 : vertx.setPeriodic(PURGE_INTERVAL.toMillis(), id ->
                    vertx.executeBlocking(() -> store.purge(clock.millis() - Duration.ofDays(config.retentionDays()).toMillis()), false)
                            .onSuccess(purged -> LOG.info("audit retention: purged {} rows older than {} days", purged,
                                    config.retentionDays())));
            LOG.info("audit to {} as chain {}", config.url().replaceAll("password=[^&]*", "password=***"), chainId);
            return new AuditService(vertx, store, writer, purge);
        });
    }

    public AuditLog log() {
        return writer::submit;
    }

    public AuditStore store() {
        return store;
    }

    /** What the writer holds and has done, as of now: for metrics. */
    public AuditWriter.Stats writerStats() {
        return writer.stats();
    }

    /** Stops the purge, flushes every row still queued or spooled, and closes the store. */
    public Future<Void> close() {
        if (purgeTimer >= 0) {
            vertx.cancelTimer(purgeTimer);
        }
        return vertx.executeBlocking(() -> {
            writer.close();
            store.close();
            return null;
        }, false);
    }

    /** One hash chain per gateway process: the host name (when set) and a random suffix. */
    private static String chainId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "loopgate");
        return host + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }
}
