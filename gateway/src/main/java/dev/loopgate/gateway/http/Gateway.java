package dev.loopgate.gateway.http;

import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditService;
import dev.loopgate.gateway.audit.CallAuditSink;
import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.auth.InMemoryKeyStore;
import dev.loopgate.gateway.auth.KeyStore;
import dev.loopgate.gateway.auth.RedisKeyStore;
import dev.loopgate.gateway.auth.RuntimeKeys;
import dev.loopgate.gateway.call.CallSink;
import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.guard.AuditLedgerHistory;
import dev.loopgate.gateway.guard.BudgetServices;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.gateway.metrics.GatewayMetrics;
import dev.loopgate.gateway.metrics.ProviderHealthGauges;
import dev.loopgate.gateway.metrics.StateGauges;
import dev.loopgate.gateway.provider.health.ProviderHealth;
import dev.loopgate.gateway.rules.RulesService;
import dev.loopgate.gateway.rules.RulesStores;
import dev.loopgate.gateway.rules.store.RulesStore;
import dev.loopgate.gateway.simulated.SimulatedUpstream;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.rules.RulesException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: simulated providers first, then one server instance per event
 * loop, all on one port. {@link #close()} stops taking traffic before it stops.
 */
public final class Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /**
     * How often reservations left by calls that never settled (a crashed replica) are charged,
     * and spend from local slices is replayed into Redis (it also is after any call Redis answers).
     */
    static final Duration EXPIRY_SWEEP = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final int port;
    private final List<String> deployments;
    private final List<GatewayVerticle> verticles;
    private final GatewayRuntime runtime;
    private final Parts parts;
    private final AtomicBoolean ready;
    private final ProviderHealth health;

    /**
     * What the servers use, started before them and stopped after them, so calls in flight
     * still settle and are audited while the servers drain. Audit is stopped last of all.
     */
    private static final class Parts {
        final List<SimulatedUpstream> simulated = new ArrayList<>();
        final RedisLink redis;
        final RulesStore rulesStore;
        final GatewayMetrics metrics = GatewayMetrics.create();
        AuditService audit;
        LoopNotifier notifier;
        BudgetServices budgets;
        RuntimeKeys keys;
        long sweeper = -1;

        Parts(RedisLink redis, RulesStore rulesStore) {
            this.redis = redis;
            this.rulesStore = rulesStore;
        }

        Future<Void> close(Vertx vertx) {
            List<Future<?>> closing = new ArrayList<>(simulated.stream().<Future<?>>map(SimulatedUpstream::close).toList());
            closing.add(rulesStore.close());
            vertx.cancelTimer(sweeper);
            if (notifier != null) {
                notifier.close();
            }
            if (budgets != null) {
                budgets.close();
            }
            if (keys != null) {
                keys.close();
            }
            return Future.join(closing)
                    .transform(done -> redis == null ? Future.<Void>succeededFuture()
                            : Future.fromCompletionStage(redis.shutdown()))
                    .transform(done -> audit == null ? Future.<Void>succeededFuture() : audit.close())
                    .andThen(closed -> metrics.close());
        }
    }

    private Gateway(Vertx vertx, int port, List<String> deployments, List<GatewayVerticle> verticles,
            GatewayRuntime runtime, Parts parts, AtomicBoolean ready, ProviderHealth health) {
        this.verticles = verticles;
        this.runtime = runtime;
        this.vertx = vertx;
        this.port = port;
        this.deployments = deployments;
        this.parts = parts;
        this.ready = ready;
        this.health = health;
    }

    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances) {
        return start(vertx, config, instances, CallSink.NONE);
    }

    /**
     * @param instances server instances; one per event loop uses every core
     * @param sink receives every finished call (besides the audit trail and the metrics)
     */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances, CallSink sink) {
        return start(vertx, config, instances, sink, Clock.systemUTC());
    }

    /**
     * As above, on the given clock: budgets, breakers, rules facts, audit rows, report windows and
     * provider health all read it; tests pass a fake one.
     */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances, CallSink sink, Clock clock) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1");
        }
        ProviderHealth health = ProviderHealth.create(config, clock);
        ApiKeyRegistry registry = new ApiKeyRegistry(config.keys(), clock);
        // one Redis client for every part that keeps shared state (a single node, Sentinel or a Cluster)
        RedisLink redis = config.redis().map(found -> RedisLink.create(found.endpoint())).orElse(null);
        Parts parts = new Parts(redis, RulesStores.forConfig(vertx, config, redis));
        Map<String, URI> simulatedUrls = new HashMap<>();
        List<Future<?>> simulatedStarting = new ArrayList<>();
        config.providers().forEach((name, provider) -> {
            if (provider.type() == ProviderType.SIMULATED) {
                SimulatedUpstream upstream = new SimulatedUpstream(vertx, provider.simulated());
                parts.simulated.add(upstream);
                simulatedStarting.add(upstream.start().onSuccess(url -> simulatedUrls.put(name, url)));
            }
        });
        AtomicBoolean ready = new AtomicBoolean();
        List<String> deployments = new ArrayList<>();
        List<GatewayVerticle> verticles = new CopyOnWriteArrayList<>();
        AtomicReference<GatewayRuntime> running = new AtomicReference<>();
        return Future.all(simulatedStarting).compose(v -> AuditService.start(vertx, config.audit(), clock)).compose(audit -> {
            parts.audit = audit;
            parts.notifier = new LoopNotifier(vertx, config.breakers().webhook(), config.breakers().webhookSecret(),
                    audit.log(), parts.metrics::tripped, clock);
            return BudgetServices.start(config, redis, clock, trip -> parts.notifier.paused(trip, LoopNotifier.BREAKER_ACTOR),
                    new AuditLedgerHistory(vertx, audit.store(), audit.log()));
        }).compose(budgets -> {
            parts.budgets = budgets;
            parts.sweeper = vertx.setPeriodic(EXPIRY_SWEEP.toMillis(), id -> {
                budgets.ledger().expireReservations(clock.millis());
                budgets.reconcile();
            });
            return RulesService.start(parts.rulesStore, config.tiers(), config.rules(), parts.audit.log(), clock);
        }).compose(rules -> keyStore(vertx, config, redis).compose(store -> {
            parts.keys = new RuntimeKeys(store, registry, parts.audit.log(), clock);
            // with Redis away the keys made at run time are read once it answers; gateway.yaml's work meanwhile
            return Future.fromCompletionStage(parts.keys.load()).otherwise(failure -> {
                LOG.warn("keys made through the admin API cannot be read yet: {}", failure.getMessage());
                return null;
            }).map(rules);
        })).compose(rules -> {
            CallSink audited = new CallAuditSink(parts.audit.log(), clock);
            CallSink counted = parts.metrics.calls();
            BudgetStore budgetStore = new BudgetStore();
            parts.metrics.bind(new StateGauges(parts.audit::writerStats, budgetStore::isReachable,
                    parts.budgets::servingFromLocalSlice, () -> rules.active().current().number()));
            parts.metrics.bind(new ProviderHealthGauges(health));
            ClientRefusals refusals = new ClientRefusals(parts.metrics.registry());
            GatewayRuntime runtime = new GatewayRuntime(new AtomicReference<>(config), new ConfigReloads(),
                    registry, parts.keys, rules,
                    new TokenEstimator(), Map.copyOf(simulatedUrls), call -> {
                        audited.record(call);
                        counted.record(call);
                        sink.record(call);
                    }, parts.budgets, budgetStore, parts.notifier, parts.audit, parts.metrics, health,
                    new ConnectionGuard(config.server().clients(), refusals),
                    new BodyBytesInFlight(config.server().maxBodyBytes(), config.server().clients().maxInflightBodyBytes(),
                            refusals, parts.metrics.registry()),
                    clock, ready::get);
            running.set(runtime);
            return deploy(vertx, runtime, config.server().port(), instances, deployments, verticles);
        }).map(port -> {
            ready.set(true);
            return new Gateway(vertx, port, deployments, verticles, running.get(), parts, ready, health);
        }).recover(failure -> {
            deployments.forEach(vertx::undeploy);
            return parts.close(vertx).transform(closed -> Future.failedFuture(failure));
        });
    }

    /** Where keys made through the admin API live: with the other shared state in Redis, else in this process. */
    private static Future<KeyStore> keyStore(Vertx vertx, GatewayConfig config, RedisLink redis) {
        return config.redis().isEmpty() ? Future.succeededFuture(new InMemoryKeyStore())
                : Future.fromCompletionStage(RedisKeyStore.connect(vertx, redis, config.redis().get().namespace()));
    }

    /**
     * All instances in one deployment: Vert.x gives the instances of one deployment consecutive
     * event loops, so N instances on N loops each get their own (deployed one by one, a context
     * created in between can put two on the same loop and leave a core idle). Vert.x shares a
     * listener by the port asked for, so with several instances a free port is chosen first
     * rather than asking for 0.
     */
    private static Future<Integer> deploy(Vertx vertx, GatewayRuntime runtime, int port, int instances,
            List<String> deployments, List<GatewayVerticle> created) {
        int listenOn = port == 0 && instances > 1 ? freePort() : port;
        return vertx.deployVerticle(() -> {
                    GatewayVerticle verticle = new GatewayVerticle(runtime, listenOn);
                    created.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(instances))
                .map(id -> {
                    deployments.add(id);
                    return created.get(0).actualPort();
                });
    }

    public int port() {
        return port;
    }

    /**
     * Serves {@code read} (a validated gateway.yaml) from the next call on, on every event loop,
     * but for what needs a restart ({@link ReloadPlan}); calls under way finish on the config
     * they started with. Fails with {@link ConfigException} (nothing changed) when the file
     * cannot be served: the routing rules in use must still fit its tiers and models.
     *
     * @param by who asked, for the audit
     */
    public synchronized Future<ReloadReport> reload(GatewayConfig read, String by) {
        ReloadPlan plan;
        try {
            plan = ReloadPlan.of(runtime.config(), read);
            runtime.rules().checkTiers(plan.serve().tiers());
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        } catch (RulesException e) {
            return Future.failedFuture(new ConfigException(e.problems().stream()
                    .map(problem -> "tiers: the routing rules in use do not fit the new tiers and models: " + problem)
                    .toList()));
        }
        GatewayConfig serve = plan.serve();
        runtime.keys().replace(serve.keys());
        health.reconfigure(serve);
        parts.metrics.bind(new ProviderHealthGauges(health));
        runtime.rules().retier(serve.tiers());
        runtime.current().set(serve);
        List<Future<Void>> applied = verticles.stream().map(verticle -> verticle.apply(serve)).toList();
        ReloadReport report = plan.report();
        runtime.audit().log().append(AuditEntry.admin(runtime.clock().millis(), "config.reload", by, null,
                report.json().toString()));
        LOG.info("config reloaded by {}: changed {}{}", by, report.changed(),
                report.needsRestart().isEmpty() ? "" : "; kept until a restart: " + report.needsRestart());
        return Future.all(applied).map(report);
    }

    /**
     * Lets {@code POST /admin/config/reload} (and {@link #reloadFile(String)}) read {@code file}
     * again with {@code env} for its {@code ${VAR}} references.
     */
    public void reloadsFrom(Path file, Map<String, String> env) {
        runtime.reloads().use(by -> vertx.<GatewayConfig>executeBlocking(() -> ConfigLoader.load(file, env), false)
                .compose(read -> reload(read, by)));
    }

    /** Reads the file given to {@link #reloadsFrom} again and applies it (SIGHUP). */
    public Future<ReloadReport> reloadFile(String by) {
        return runtime.reloads().reload(by);
    }

    /** The health breakers of every target, shared by all server instances; read {@link ProviderHealth#snapshot()}. */
    public ProviderHealth providerHealth() {
        return health;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port to listen on", e);
        }
    }

    /**
     * Reports not-ready, lets calls in flight finish (bounded), then stops the servers, what
     * they used, and last the audit writer, which flushes every row first.
     */
    public Future<Void> close() {
        ready.set(false);
        List<Future<?>> servers = deployments.stream().<Future<?>>map(vertx::undeploy).toList();
        return Future.join(servers).transform(stopped -> parts.close(vertx));
    }
}
