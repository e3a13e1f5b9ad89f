package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.budgets.ledger.Reservation;
import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.runs.RunHold;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.rules.ActiveRules;
import dev.loopgate.rules.RouteDecision;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Objects;

/**
 * One call on its way through the pipeline. The handler fills in what arrived; each
 * stage adds what it learned. Confined to the event loop that received the call.
 */
public final class Exchange {
    private final String requestId;
    private final Endpoint endpoint;
    private final long startNanos;
    private final MultiMap requestHeaders;
    private final Buffer body;
    private final HttpServerResponse response;
    private final MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();

    private KeyConfig key;
    private ParsedRequest request;
    private LoopIdentity loop;
    private long promptTokenEstimate;
    private RouteDecision route;
    private RoutePlan routePlan;
    private boolean loopFactsRead;
    private Future<RateDecision> rateCheck = Future.succeededFuture(RateDecision.ALLOWED);
    private long costNanos;
    private String requestHash;
    private BudgetsConfig.LoopBudget loopBudget;
    private double budgetUsed;
    private long repeatCount;
    private Reservation reservation;
    private RunHold runHold;
    private ToolCallPolicy toolCalls;
    private RefusalReason refusal;
    private List<byte[]> streamCapture;
    private long rulesVersion = -1;
    private ActiveRules.Version rules;
    private long upstreamFirstByteNanos;

    public Exchange(String requestId, Endpoint endpoint, long startNanos, MultiMap requestHeaders, Buffer body,
            HttpServerResponse response) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.startNanos = startNanos;
        this.requestHeaders = Objects.requireNonNull(requestHeaders, "requestHeaders");
        this.body = Objects.requireNonNull(body, "body");
        this.response = Objects.requireNonNull(response, "response");
        responseHeaders.set(ResponseHeaders.REQUEST_ID, requestId);
    }

    public String requestId() {
        return requestId;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public long startNanos() {
        return startNanos;
    }

    public MultiMap requestHeaders() {
        return requestHeaders;
    }

    public Buffer body() {
        return body;
    }

    /** The client's response: written by the handler, or by the relay for streams. */
    public HttpServerResponse response() {
        return response;
    }

    /** Headers every answer to this call carries, added to by the stages. */
    public MultiMap responseHeaders() {
        return responseHeaders;
    }

    public KeyConfig key() {
        return key;
    }

    public void key(KeyConfig key) {
        this.key = key;
    }

    public ParsedRequest request() {
        return request;
    }

    public void request(ParsedRequest request) {
        this.request = request;
    }

    public LoopIdentity loop() {
        return loop;
    }

    public void loop(LoopIdentity loop) {
        this.loop = loop;
    }

    public long promptTokenEstimate() {
        return promptTokenEstimate;
    }

    public void promptTokenEstimate(long tokens) {
        this.promptTokenEstimate = tokens;
    }

    /** The rate limits' take, sent but perhaps not answered yet. */
    Future<RateDecision> rateCheck() {
        return rateCheck;
    }

    void rateCheck(Future<RateDecision> check) {
        this.rateCheck = check;
    }

    RoutePlan routePlan() {
        return routePlan;
    }

    void routePlan(RoutePlan plan) {
        this.routePlan = plan;
    }

    /** Whether the loop's facts were read from the ledger before routing (rules with too many cells to decide each). */
    public boolean loopFactsRead() {
        return loopFactsRead;
    }

    public RouteDecision route() {
        return route;
    }

    public void route(RouteDecision route) {
        this.route = route;
    }

    public long costNanos() {
        return costNanos;
    }

    public void costNanos(long costNanos) {
        this.costNanos = costNanos;
    }

    /** A hash of what makes two calls "the same request" (model, messages, tools): the no-progress breaker's key. */
    public String requestHash() {
        return requestHash;
    }

    public void requestHash(String requestHash) {
        this.requestHash = requestHash;
    }

    /** The budget and rates that apply to this call's loop. */
    public BudgetsConfig.LoopBudget loopBudget() {
        return loopBudget;
    }

    public void loopBudget(BudgetsConfig.LoopBudget loopBudget) {
        this.loopBudget = loopBudget;
    }

    /** Fraction of the loop's USD budget spent or reserved before this call (routing fact). */
    public double budgetUsed() {
        return budgetUsed;
    }

    /** How often the loop sent this same request within the no-progress window (routing fact). */
    public long repeatCount() {
        return repeatCount;
    }

    public void loopFacts(double budgetUsed, long repeatCount) {
        this.budgetUsed = budgetUsed;
        this.repeatCount = repeatCount;
    }

    /** The loop's facts as the ledger read them before routing. */
    public void loopFactsRead(double budgetUsed, long repeatCount) {
        loopFacts(budgetUsed, repeatCount);
        this.loopFactsRead = true;
    }

    /** The worst case held for this call in the ledger, or null before (or without) one. */
    public Reservation reservation() {
        return reservation;
    }

    public void reservation(Reservation reservation) {
        this.reservation = reservation;
    }

    /** The worst case held for this call in its run, or null before (or without) one. */
    /** The loop's tool scope for the calls its model proposes, or null when any call goes. */
    public ToolCallPolicy toolCalls() {
        return toolCalls;
    }

    public void toolCalls(ToolCallPolicy toolCalls) {
        this.toolCalls = toolCalls;
    }

    public RunHold runHold() {
        return runHold;
    }

    public void runHold(RunHold runHold) {
        this.runHold = runHold;
    }

    /** Why the budget guard refused the call, or null when it did not. */
    public RefusalReason refusal() {
        return refusal;
    }

    public void refusal(RefusalReason refusal) {
        this.refusal = refusal;
    }

    /** Where a relayed stream's chunks are also kept (to answer an idempotent repeat), or null. */
    public List<byte[]> streamCapture() {
        return streamCapture;
    }

    public void streamCapture(List<byte[]> streamCapture) {
        this.streamCapture = streamCapture;
    }

    /** The routing rules version that decided the call, or -1 before routing. */
    /** The rules version chosen for this call before routing, or null when none was chosen yet. */
    public ActiveRules.Version rules() {
        return rules;
    }

    public void rules(ActiveRules.Version rules) {
        this.rules = rules;
    }

    public long rulesVersion() {
        return rulesVersion;
    }

    public void rulesVersion(long rulesVersion) {
        this.rulesVersion = rulesVersion;
    }

    /** When the answering upstream's response began ({@link System#nanoTime()}), or 0 when none did. */
    public long upstreamFirstByteNanos() {
        return upstreamFirstByteNanos;
    }

    public void upstreamFirstByteNanos(long nanos) {
        this.upstreamFirstByteNanos = nanos;
    }
}
