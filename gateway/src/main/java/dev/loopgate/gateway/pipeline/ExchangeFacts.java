package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.call.ParsedRequest;
import dev.loopgate.rules.RequestFacts;

/**
 * The rules' view of a call in flight, read straight off the {@link Exchange} without
 * copying anything; {@code budget_used} and {@code repeat_count} come from the ledger.
 */
final class ExchangeFacts implements RequestFacts {
    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private final Exchange exchange;
    private final long nowMillis;

    ExchangeFacts(Exchange exchange, long nowMillis) {
        this.exchange = exchange;
        this.nowMillis = nowMillis;
    }

    @Override
    public String loopId() {
        return exchange.loop().loopId();
    }

    @Override
    public String run() {
        return exchange.loop().run();
    }

    @Override
    public String role() {
        return exchange.loop().role();
    }

    @Override
    public long step() {
        long step = exchange.loop().step();
        return step == LoopIdentity.NO_STEP ? ABSENT : step;
    }

    @Override
    public String requestedModel() {
        return exchange.request().requestedModel();
    }

    @Override
    public long promptTokens() {
        return exchange.promptTokenEstimate();
    }

    @Override
    public long maxTokens() {
        long maxTokens = exchange.request().maxTokens();
        return maxTokens == ParsedRequest.ABSENT ? ABSENT : maxTokens;
    }

    @Override
    public boolean hasTools() {
        return exchange.request().hasTools();
    }

    @Override
    public boolean hasImages() {
        return exchange.request().hasImages();
    }

    @Override
    public boolean jsonMode() {
        return exchange.request().jsonMode();
    }

    @Override
    public boolean stream() {
        return exchange.request().stream();
    }

    @Override
    public String header(String name) {
        return exchange.requestHeaders().get(name);
    }

    @Override
    public String metadata(String key) {
        JsonNode value = exchange.request().json().path("metadata").get(key);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    @Override
    public double budgetUsed() {
        return exchange.budgetUsed();
    }

    @Override
    public long repeatCount() {
        return exchange.repeatCount();
    }

    @Override
    public int utcHour() {
        return (int) (Math.floorDiv(nowMillis, MILLIS_PER_HOUR) % 24);
    }
}
