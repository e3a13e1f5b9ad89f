package dev.loopgate.gateway.http;

import dev.loopgate.gateway.audit.AuditService;
import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.auth.RuntimeKeys;
import dev.loopgate.gateway.call.CallSink;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.guard.BudgetServices;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.gateway.guard.ToolApprovals;
import dev.loopgate.gateway.metrics.GatewayMetrics;
import dev.loopgate.gateway.provider.health.ProviderHealth;
import dev.loopgate.gateway.rules.RulesService;
import dev.loopgate.gateway.tokens.TokenEstimator;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * What every event loop's share of the gateway uses in common; all of it thread-safe.
 * {@code current} is the config calls are served with, replaced as a whole by a reload.
 */
record GatewayRuntime(
        AtomicReference<GatewayConfig> current,
        ConfigReloads reloads,
        ApiKeyRegistry keys,
        RuntimeKeys runtimeKeys,
        RulesService rules,
        TokenEstimator tokens,
        Map<String, URI> simulatedUrls,
        CallSink sink,
        BudgetServices budgets,
        BudgetStore budgetStore,
        LoopNotifier notifier,
        AuditService audit,
        GatewayMetrics metrics,
        ProviderHealth health,
        ConnectionGuard connections,
        BodyBytesInFlight bodies,
        Clock clock,
        BooleanSupplier ready) {

    GatewayConfig config() {
        return current.get();
    }

    /** Tool calls held for a human, over this runtime's stores. */
    ToolApprovals toolApprovals() {
        return new ToolApprovals(budgets.approvals(), budgets.ledger(), budgets.runs(), budgetStore, notifier, clock);
    }
}
