package dev.loopgate.gateway.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.approvals.Approval;
import dev.loopgate.budgets.approvals.ApprovalState;
import dev.loopgate.budgets.approvals.HeldCall;
import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.budgets.runs.RunTrip;
import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditLog;
import dev.loopgate.gateway.config.Secret;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when a loop or one of its runs is paused, resumed or warned of a cap, or holds a tool call for a human: one log line, an audit row, and a JSON POST to
 * the configured webhook, sent in the background and retried with backoff so a slow or
 * absent receiver never holds up a call. With a secret configured every attempt carries a
 * {@link WebhookSignature}.
 */
public final class LoopNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(LoopNotifier.class);
    static final long[] RETRY_DELAYS_MS = {500, 2_000, 8_000};
    private static final long TIMEOUT_MS = 5_000;

    /** The actor of a pause no person made. */
    public static final String BREAKER_ACTOR = "loopgate";
    /** The actor of a pause that holds a tool call for a human. */
    public static final String APPROVALS_ACTOR = "approvals";

    private final Vertx vertx;
    private final Optional<URI> webhook;
    private final AuditLog audit;
    private final HttpClient client;
    private final Consumer<Trip> trips;
    private final Optional<WebhookSignature> signature;
    private final Clock clock;

    /**
     * @param trips also told of every pause a breaker made (not an admin), on the caller's thread;
     *        must not block
     */
    public LoopNotifier(Vertx vertx, Optional<URI> webhook, Optional<Secret> secret, AuditLog audit, Consumer<Trip> trips,
            Clock clock) {
        this.vertx = vertx;
        this.webhook = webhook;
        this.audit = audit;
        this.trips = trips;
        this.signature = secret.map(WebhookSignature::new);
        this.clock = clock;
        this.client = webhook.isEmpty() ? null
                : vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS));
    }

    /** A breaker tripped (actor {@link #BREAKER_ACTOR}) or an admin paused the loop. */
    public void paused(Trip trip, String actor) {
        LOG.warn("loop {} paused by breaker {}: {}", trip.loopId(), trip.breaker(), trip.reason());
        String breaker = trip.breaker().name().toLowerCase(Locale.ROOT);
        boolean tripped = BREAKER_ACTOR.equals(actor);
        if (tripped) {
            trips.accept(trip);
        }
        audit.append(AuditEntry.admin(trip.atMillis(), tripped ? "loop.trip" : "loop.pause", actor,
                trip.loopId(), Json.MAPPER.createObjectNode().put("breaker", breaker).put("reason", trip.reason())
                        .toString()));
        send(Json.MAPPER.createObjectNode()
                .put("event", "loop_paused")
                .put("loop_id", trip.loopId())
                .put("breaker", breaker)
                .put("reason", trip.reason())
                .put("at", Instant.ofEpochMilli(trip.atMillis()).toString()));
    }

    /** A loop or run crossed a fraction of a cap ({@code breakers.warn_at}): an audit row and a webhook event. */
    public void warned(Warning warning) {
        String whose = warning.run() == null ? "loop " + warning.loopId()
                : "run " + warning.run() + " of loop " + warning.loopId();
        LOG.info("{} has used {} of its {} cap ({})", whose, percent(warning.fraction()), warning.cap().label(),
                warning.amounts());
        audit.append(AuditEntry.admin(warning.atMillis(), "loop.warning", BREAKER_ACTOR, warning.loopId(),
                warning.describe(Json.MAPPER.createObjectNode()).toString()));
        ObjectNode event = Json.MAPPER.createObjectNode().put("event", "warning").put("loop_id", warning.loopId());
        send(warning.describe(event).put("at", Instant.ofEpochMilli(warning.atMillis()).toString()));
    }

    /** A run's cap paused it (actor {@link #BREAKER_ACTOR}) or an admin did; the loop's other runs go on. */
    public void runPaused(RunTrip trip, String actor) {
        LOG.warn("run {} of loop {} paused by breaker {}: {}", trip.runId(), trip.loopId(), trip.breaker(),
                trip.reason());
        String breaker = trip.breaker().name().toLowerCase(Locale.ROOT);
        audit.append(AuditEntry.admin(trip.atMillis(), BREAKER_ACTOR.equals(actor) ? "run.trip" : "run.pause", actor,
                trip.loopId(), Json.MAPPER.createObjectNode().put("run", trip.runId()).put("breaker", breaker)
                        .put("reason", trip.reason()).toString()));
        send(Json.MAPPER.createObjectNode()
                .put("event", "run_paused")
                .put("loop_id", trip.loopId())
                .put("run", trip.runId())
                .put("breaker", breaker)
                .put("reason", trip.reason())
                .put("at", Instant.ofEpochMilli(trip.atMillis()).toString()));
    }

    public void runResumed(String loopId, String run, String reason, String by, long atMillis) {
        LOG.info("run {} of loop {} resumed by {}: {}", run, loopId, by, reason);
        audit.append(AuditEntry.admin(atMillis, "run.resume", by, loopId,
                Json.MAPPER.createObjectNode().put("run", run).put("reason", reason).toString()));
        send(Json.MAPPER.createObjectNode()
                .put("event", "run_resumed")
                .put("loop_id", loopId)
                .put("run", run)
                .put("reason", reason)
                .put("by", by)
                .put("at", Instant.ofEpochMilli(atMillis).toString()));
    }

    /** A model proposed tool calls a human must approve: the calls with their arguments, for whoever decides. */
    public void approvalRequired(Approval approval) {
        LOG.warn("loop {} holds approval {} for {}", approval.loopId(), approval.id(),
                approval.calls().stream().map(HeldCall::tool).toList());
        ObjectNode detail = describe(Json.MAPPER.createObjectNode(), approval);
        audit.append(AuditEntry.admin(approval.createdMillis(), "approval.hold", APPROVALS_ACTOR, approval.loopId(),
                detail.toString()));
        send(describe(Json.MAPPER.createObjectNode().put("event", "approval_required"), approval)
                .put("at", Instant.ofEpochMilli(approval.createdMillis()).toString()));
    }

    /** An admin approved or rejected a held call. */
    public void approvalDecided(Approval approval) {
        String verdict = approval.state() == ApprovalState.REJECTED ? "reject" : "approve";
        LOG.info("approval {} of loop {} {}d by {}: {}", approval.id(), approval.loopId(), verdict,
                approval.decidedBy(), approval.reason());
        audit.append(AuditEntry.admin(approval.decidedMillis(), "approval." + verdict, approval.decidedBy(),
                approval.loopId(), describe(Json.MAPPER.createObjectNode(), approval).toString()));
        send(describe(Json.MAPPER.createObjectNode().put("event", "approval_decided"), approval)
                .put("at", Instant.ofEpochMilli(approval.decidedMillis()).toString()));
    }

    private static ObjectNode describe(ObjectNode node, Approval approval) {
        node.put("approval_id", approval.id()).put("loop_id", approval.loopId());
        if (approval.runId() != null) {
            node.put("run", approval.runId());
        }
        node.put("state", approval.state().name().toLowerCase(Locale.ROOT));
        ArrayNode calls = node.putArray("calls");
        approval.calls().forEach(call -> calls.addObject().put("tool", call.tool()).put("arguments", call.arguments()));
        if (approval.decidedBy() != null) {
            node.put("by", approval.decidedBy()).put("reason", approval.reason());
        }
        return node;
    }

    private static String percent(double fraction) {
        return BigDecimal.valueOf(fraction * 100).stripTrailingZeros().toPlainString() + "%";
    }

    public void resumed(String loopId, String reason, String by, long atMillis) {
        LOG.info("loop {} resumed by {}: {}", loopId, by, reason);
        audit.append(AuditEntry.admin(atMillis, "loop.resume", by, loopId,
                Json.MAPPER.createObjectNode().put("reason", reason).toString()));
        send(Json.MAPPER.createObjectNode()
                .put("event", "loop_resumed")
                .put("loop_id", loopId)
                .put("reason", reason)
                .put("by", by)
                .put("at", Instant.ofEpochMilli(atMillis).toString()));
    }

    private void send(ObjectNode event) {
        webhook.ifPresent(uri -> attempt(uri, Buffer.buffer(event.toString()), 0));
    }

    private void attempt(URI uri, Buffer body, int retry) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(uri.toString())
                .setTimeout(TIMEOUT_MS)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        signature.ifPresent(signer -> options.putHeader(WebhookSignature.HEADER,
                signer.sign(body.getBytes(), clock.millis() / 1000)));
        client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .onComplete(done -> {
                    boolean delivered = done.succeeded() && done.result() / 100 == 2;
                    if (delivered) {
                        return;
                    }
                    String why = done.succeeded() ? "HTTP " + done.result() : String.valueOf(done.cause().getMessage());
                    if (retry < RETRY_DELAYS_MS.length) {
                        vertx.setTimer(RETRY_DELAYS_MS[retry], id -> attempt(uri, body, retry + 1));
                    } else {
                        LOG.warn("webhook {} not told after {} attempts: {}", uri, retry + 1, why);
                    }
                });
    }

    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
