package dev.loopgate.gateway.audit.writer;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * One {@code store.append} under way on the store thread, as the writer loop sees it: which
 * entries, whether they come from the spool ({@code replay}), when it started, and its copy in
 * the spool, if any ({@code segment}: set for a replay, and for a direct batch once it was
 * spooled "in doubt").
 */
final class StoreCall {
    final List<AuditEntry> entries;
    final boolean replay;
    final long startedAt;
    private final CompletableFuture<Void> done;
    Spool.Segment segment;

    private StoreCall(List<AuditEntry> entries, boolean replay, long startedAt, CompletableFuture<Void> done) {
        this.entries = entries;
        this.replay = replay;
        this.startedAt = startedAt;
        this.done = done;
    }

    /** Hands {@code entries} to the store on {@code storeThread}; {@code wake} runs when it is done. */
    static StoreCall start(AuditStore store, ExecutorService storeThread, List<AuditEntry> entries, boolean replay,
            long now, Runnable wake) {
        List<AuditEntry> batch = Collections.unmodifiableList(entries);
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> store.append(batch), storeThread);
        done.whenComplete((ignored, failure) -> wake.run());
        return new StoreCall(batch, replay, now, done);
    }

    boolean unspooled() {
        return segment == null;
    }

    boolean isDone() {
        return done.isDone();
    }

    /** Once {@link #isDone()}: null when the store took the batch, else why it did not. */
    Throwable failure() {
        try {
            done.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** The failure and its root cause, e.g. "could not append 500 audit rows (ConnectException: Connection refused)". */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return root == failure ? text : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
