package dev.loopgate.gateway.http;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.guard.BudgetServices;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.gateway.pipeline.CallSink;
import dev.loopgate.gateway.rules.RulesService;
import dev.loopgate.gateway.rules.store.RulesStore;
import dev.loopgate.gateway.rules.RulesStores;
import dev.loopgate.gateway.simulated.SimulatedUpstream;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running gateway: simulated providers first, then one server instance per event
 * loop, all on one port. {@link #close()} stops taking traffic before it stops.
 */
public final class Gateway {
    /**
     * How often reservations left by calls that never settled (a crashed replica) are charged,
     * and spend from local slices is replayed into Redis (it also is after any call Redis answers).
     */
    static final Duration EXPIRY_SWEEP = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final int port;
    private final List<String> deployments;
    private final List<SimulatedUpstream> simulated;
    private final RulesStore store;
    private final Guard guard;
    private final AtomicBoolean ready;

    /** What guards spending, stopped last: calls in flight still settle while the servers drain. */
    private record Guard(BudgetServices budgets, LoopNotifier notifier, long sweeper) {
        void close(Vertx vertx) {
            vertx.cancelTimer(sweeper);
            notifier.close();
            budgets.close();
        }
    }

    private Gateway(Vertx vertx, int port, List<String> deployments, List<SimulatedUpstream> simulated,
            RulesStore store, Guard guard, AtomicBoolean ready) {
        this.vertx = vertx;
        this.port = port;
        this.deployments = deployments;
        this.simulated = simulated;
        this.store = store;
        this.guard = guard;
        this.ready = ready;
    }

    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances) {
        return start(vertx, config, instances, CallSink.NONE);
    }

    /**
     * @param instances server instances; one per event loop uses every core
     * @param sink receives every finished call
     */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances, CallSink sink) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1");
        }
        List<SimulatedUpstream> simulated = new ArrayList<>();
        Map<String, URI> simulatedUrls = new HashMap<>();
        List<Future<?>> starting = new ArrayList<>();
        config.providers().forEach((name, provider) -> {
            if (provider.type() == ProviderType.SIMULATED) {
                SimulatedUpstream upstream = new SimulatedUpstream(vertx, provider.simulated());
                simulated.add(upstream);
                starting.add(upstream.start().onSuccess(url -> simulatedUrls.put(name, url)));
            }
        });
        AtomicBoolean ready = new AtomicBoolean();
        List<String> deployments = new ArrayList<>();
        RulesStore store = RulesStores.forConfig(vertx, config);
        LoopNotifier notifier = new LoopNotifier(vertx, config.breakers().webhook());
        Clock clock = Clock.systemUTC();
        AtomicReference<Guard> guard = new AtomicReference<>();
        return Future.all(starting).compose(v -> BudgetServices.start(config, clock, notifier::paused)).compose(budgets -> {
            long sweeper = vertx.setPeriodic(EXPIRY_SWEEP.toMillis(), id -> {
                budgets.ledger().expireReservations(clock.millis());
                budgets.reconcile();
            });
            guard.set(new Guard(budgets, notifier, sweeper));
            return RulesService.start(store, config.tiers(), config.rules());
        }).compose(rules -> {
            GatewayRuntime runtime = new GatewayRuntime(config, new ApiKeyRegistry(config.keys()), rules,
                    new TokenEstimator(), Map.copyOf(simulatedUrls), sink, guard.get().budgets(), new BudgetStore(),
                    notifier, clock, ready::get);
            // The first instance binds (perhaps to a free port); the rest share the port it got.
            GatewayVerticle first = new GatewayVerticle(runtime, config.server().port());
            return vertx.deployVerticle(first).compose(id -> {
                deployments.add(id);
                int port = first.actualPort();
                if (instances == 1) {
                    return Future.succeededFuture(port);
                }
                return vertx.deployVerticle(() -> new GatewayVerticle(runtime, port),
                                new DeploymentOptions().setInstances(instances - 1))
                        .map(rest -> {
                            deployments.add(rest);
                            return port;
                        });
            });
        }).map(port -> {
            ready.set(true);
            return new Gateway(vertx, port, deployments, simulated, store, guard.get(), ready);
        }).recover(failure -> {
            deployments.forEach(vertx::undeploy);
            simulated.forEach(SimulatedUpstream::close);
            store.close();
            notifier.close();
            if (guard.get() != null) {
                guard.get().close(vertx);
            }
            return Future.failedFuture(failure);
        });
    }

    public int port() {
        return port;
    }

    public boolean isReady() {
        return ready.get();
    }

    /**
     * Reports not-ready, lets calls in flight finish (bounded), then stops the servers,
     * their upstream pools, the simulated providers and the rules store.
     */
    public Future<Void> close() {
        ready.set(false);
        List<Future<?>> servers = deployments.stream().<Future<?>>map(vertx::undeploy).toList();
        return Future.join(servers).transform(stopped -> {
            List<Future<?>> rest = new ArrayList<>(simulated.stream().<Future<?>>map(SimulatedUpstream::close).toList());
            rest.add(store.close());
            guard.close(vertx);
            return Future.join(rest);
        }).mapEmpty();
    }
}
