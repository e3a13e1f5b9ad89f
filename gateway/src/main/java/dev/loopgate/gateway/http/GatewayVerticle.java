package dev.loopgate.gateway.http;

import dev.loopgate.budgets.idempotency.IdempotencyStores;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.MetricsConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.ToolApprovals;
import dev.loopgate.gateway.pipeline.ApprovalStage;
import dev.loopgate.gateway.pipeline.AuthenticateStage;
import dev.loopgate.gateway.pipeline.EstimateTokensStage;
import dev.loopgate.gateway.pipeline.ForwardStage;
import dev.loopgate.gateway.pipeline.IdempotencyStage;
import dev.loopgate.gateway.pipeline.IdentifyLoopStage;
import dev.loopgate.gateway.pipeline.LoopFactsStage;
import dev.loopgate.gateway.pipeline.ParseRequestStage;
import dev.loopgate.gateway.pipeline.ProposedToolCallsStage;
import dev.loopgate.gateway.pipeline.Pipeline;
import dev.loopgate.gateway.pipeline.RateLimitStage;
import dev.loopgate.gateway.pipeline.RecordStage;
import dev.loopgate.gateway.pipeline.ReserveStage;
import dev.loopgate.gateway.pipeline.ResponsesContinueStage;
import dev.loopgate.gateway.pipeline.ResponsesKeepStage;
import dev.loopgate.gateway.pipeline.RetryPolicy;
import dev.loopgate.gateway.pipeline.RouteStage;
import dev.loopgate.gateway.pipeline.SettleStage;
import dev.loopgate.gateway.pipeline.ToolScopeStage;
import dev.loopgate.gateway.provider.Providers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the gateway: its own HTTP server (the port is shared by
 * every instance), its own upstream connection pools, and the pipeline over them. The pools,
 * pipeline and routes are built from one config; a reload builds them again from the new one
 * and swaps them in for the next request, while calls under way finish on the old ones.
 */
final class GatewayVerticle extends VerticleBase {
    private static final int CLIENT_IDLE_TIMEOUT_SECONDS = 300;
    /** How long calls in flight may take to finish once the gateway is told to stop. */
    private static final long SHUTDOWN_GRACE_SECONDS = 25;

    /** How long calls on a config replaced by a reload may go on before its upstream connections close. */
    static final Duration RETIRED_CALLS_GRACE = Duration.ofMinutes(15);

    private final GatewayRuntime runtime;
    private final int port;
    /** What requests are served with; written on this verticle's event loop only. */
    private volatile Served served;
    private HttpServer server;

    /** The upstream pools and the routes over them, built from one config. */
    private record Served(Providers providers, Router router) {
    }

    GatewayVerticle(GatewayRuntime runtime, int port) {
        this.runtime = runtime;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        served = serve(runtime.config());
        HttpServerOptions options = new HttpServerOptions()
                .setHost(runtime.config().server().host())
                .setPort(port)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                // HTTP/1 only: with h2c on, Vert.x reads a connection's first bytes before it is set up,
                // and its first head would pass before the client deadlines are in place
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(CLIENT_IDLE_TIMEOUT_SECONDS);
        server = vertx.createHttpServer(options)
                .connectionHandler(runtime.connections()::accept)
                .invalidRequestHandler(ErrorResponses::invalidRequest)
                .requestHandler(request -> served.router().handle(request));
        return server.listen();
    }

    /**
     * Serves {@code config} from the next request on; the old pools are shut down once their
     * calls are done (or after {@link #RETIRED_CALLS_GRACE}). Runs on this verticle's event loop.
     */
    Future<Void> apply(GatewayConfig config) {
        Promise<Void> applied = Promise.promise();
        context.runOnContext(ignored -> {
            try {
                Served retired = served;
                served = serve(config);
                retired.providers().shutdown(RETIRED_CALLS_GRACE);
                applied.complete();
            } catch (RuntimeException e) {
                applied.fail(e);
            }
        });
        return applied.future();
    }

    private Served serve(GatewayConfig config) {
        Providers providers = Providers.create(vertx, config.providers(), runtime.simulatedUrls());
        BudgetLedger ledger = runtime.budgets().ledger();
        RunLedger runs = runtime.budgets().runs();
        BudgetStore store = runtime.budgetStore();
        ToolApprovals approvals = runtime.toolApprovals();
        Pipeline pipeline = new Pipeline(List.of(
                new RecordStage(runtime.sink(), config.audit().contentChars()),
                new AuthenticateStage(runtime.keys()),
                new ParseRequestStage(),
                runtime.metrics().inFlight(),
                new IdentifyLoopStage(),
                new ToolScopeStage(config.tools(), runs, store, approvals, runtime.clock(),
                        config.budgets().onRedisDown() == BudgetsConfig.RedisDownPolicy.ALLOW),
                new ApprovalStage(approvals),
                new IdempotencyStage(store, runtime.budgets().idempotency(),
                        config.budgets().onRedisDown() == BudgetsConfig.RedisDownPolicy.ALLOW,
                        IdempotencyStores.DEFAULT_LEASE),
                new ResponsesContinueStage(store, runtime.budgets().responses()),
                new EstimateTokensStage(runtime.tokens()),
                new LoopFactsStage(runtime.rules().active(), store, ledger, config.budgets(), config.breakers(), runtime.clock()),
                new RouteStage(runtime.rules().active(), runtime.clock()),
                new RateLimitStage(store, runtime.budgets().rateLimiter(), config.budgets()),
                new ReserveStage(store, ledger, runs, config, runtime.notifier(), runtime.clock()),
                new ResponsesKeepStage(runtime.budgets().responses(), config),
                new ProposedToolCallsStage(),
                new SettleStage(runtime.tokens(), store, ledger, runs, config.breakers(), runtime.notifier(),
                        runtime.clock()),
                new ForwardStage(vertx, providers, config, runtime.health(),
                        RetryPolicy.withRandomJitter(runtime.clock()))));
        return new Served(providers, router(config, providers, pipeline));
    }

    @Override
    public Future<?> stop() {
        return server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)
                .eventually(() -> served.providers().shutdown(Duration.ZERO));
    }

    int actualPort() {
        return server.actualPort();
    }

    private Router router(GatewayConfig config, Providers providers, Pipeline pipeline) {
        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.server().maxBodyBytes());
        for (Endpoint endpoint : Endpoint.values()) {
            ProxyHandler proxy = new ProxyHandler(endpoint, pipeline);
            String path = "/v1" + endpoint.upstreamPath();
            // Vert.x wants a route's body handler before its own handlers, so the checks made on the head come first on a route of their own
            router.post(path).handler(new KeyBeforeBody(runtime.keys(), proxy)).handler(runtime.bodies());
            router.post(path).handler(body).handler(proxy);
        }
        CountTokensHandler countTokens = new CountTokensHandler(vertx, runtime.keys(), config, providers,
                runtime.tokens());
        router.post("/v1/messages/count_tokens").handler(new KeyBeforeBody(runtime.keys(), countTokens))
                .handler(runtime.bodies());
        router.post("/v1/messages/count_tokens").handler(body).handler(countTokens);
        new ResponsesRoutes(runtime.keys(), runtime.budgetStore(), runtime.budgets().responses()).mount(router);
        router.get("/v1/models").handler(new ModelsHandler(runtime.keys(), config));
        router.route("/admin/*").handler(RoleAuth.admin(runtime.keys()));
        RoleAuth reports = RoleAuth.reports(runtime.keys());
        new ReportsRoutes(runtime.audit().store(), runtime.clock()).mount(router, reports);
        new BudgetsReportRoutes(runtime.budgetStore(), runtime.budgets().ledger(), config.budgets())
                .mount(router, reports);
        new ConsoleRoutes(runtime.keys()).mount(router);
        new RulesAdminRoutes(runtime.rules(), config, runtime.tokens(), runtime.audit().store(), runtime.clock())
                .mount(router);
        new LoopsAdminRoutes(runtime.budgetStore(), runtime.budgets().ledger(), runtime.budgets().runs(),
                config.budgets(), runtime.notifier(), runtime.audit().log(), runtime.clock()).mount(router);
        new RunsAdminRoutes(runtime.budgetStore(), runtime.budgets().runs(), config.budgets(), runtime.notifier(),
                runtime.clock()).mount(router);
        new ApprovalsAdminRoutes(runtime.toolApprovals()).mount(router);
        new ProvidersAdminRoutes(config, runtime.health()).mount(router);
        new ConfigAdminRoutes(runtime.reloads()).mount(router);
        new KeysAdminRoutes(runtime.runtimeKeys(), runtime.keys(), runtime.clock()).mount(router);
        MetricsConfig metrics = config.server().metrics();
        if (metrics.enabled()) {
            Route scrape = router.get("/metrics");
            if (metrics.requireKey()) {
                scrape.handler(RoleAuth.reports(runtime.keys()));
            }
            scrape.handler(new MetricsHandler(runtime.metrics()));
        }
        router.get("/healthz").handler(HealthHandlers.liveness());
        router.get("/readyz").handler(HealthHandlers.readiness(runtime.ready(), runtime.budgetStore()::isReachable,
                runtime.budgets()::servingFromLocalSlice));
        router.errorHandler(404, error(ErrorCode.NOT_FOUND, "Unknown path."));
        router.errorHandler(405, error(ErrorCode.METHOD_NOT_ALLOWED, "This path does not accept that method."));
        router.errorHandler(413, error(ErrorCode.REQUEST_TOO_LARGE, "The request body is larger than the "
                + config.server().maxBodyBytes() + " bytes this gateway accepts."));
        router.errorHandler(400, error(ErrorCode.INVALID_REQUEST, "The request could not be read."));
        router.errorHandler(417, error(ErrorCode.EXPECTATION_FAILED, "Only 'Expect: 100-continue' is understood."));
        // Vert.x's body reader fails a body it could not read (bad chunk framing, a connection cut) with status 200
        router.errorHandler(200, ctx -> {
            ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            ErrorResponses.send(ctx.response(), headers(ctx), new GatewayException(ErrorCode.INVALID_REQUEST,
                    "The request body could not be read: " + ctx.failure().getMessage()));
        });
        router.errorHandler(500, ctx -> ErrorResponses.send(ctx.response(), headers(ctx), ctx.failure(),
                ErrorResponses.dialectOf(ctx.request().path())));
        return router;
    }

    private static Handler<RoutingContext> error(ErrorCode code, String message) {
        return ctx -> {
            String detail = code == ErrorCode.NOT_FOUND || code == ErrorCode.METHOD_NOT_ALLOWED
                    ? message + " (" + ctx.request().method() + " " + ctx.request().path() + ")" : message;
            ErrorResponses.send(ctx.response(), headers(ctx), new GatewayException(code, detail),
                    ErrorResponses.dialectOf(ctx.request().path()));
        };
    }

    private static MultiMap headers(RoutingContext ctx) {
        return MultiMap.caseInsensitiveMultiMap().set("x-request-id", RequestIds.of(ctx.request()));
    }
}
