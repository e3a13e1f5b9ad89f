package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.rules.ActiveRules;
import dev.loopgate.gateway.rules.ExplainFacts;
import dev.loopgate.gateway.rules.RulesJson;
import dev.loopgate.gateway.rules.RulesService;
import dev.loopgate.gateway.rules.store.RulesVersion;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.CostModel;
import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.WhatIf;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /admin/rules}: read, validate, replace, list, roll back, explain and simulate
 * routing rules. Changes are new versions authored by the admin key that made them.
 */
final class RulesAdminRoutes {
    static final String COMMENT_HEADER = "X-Loopgate-Comment";
    /** Rules and recorded traffic are larger than a chat call may be. */
    static final long BODY_LIMIT = 16L * 1024 * 1024;

    private final RulesService rules;
    private final GatewayConfig config;
    private final TokenEstimator tokens;
    private final AuditStore audit;
    private final Clock clock;
    private final CostModel costs;

    RulesAdminRoutes(RulesService rules, GatewayConfig config, TokenEstimator tokens, AuditStore audit, Clock clock) {
        this.rules = rules;
        this.audit = audit;
        this.config = config;
        this.tokens = tokens;
        this.clock = clock;
        this.costs = (model, prompt, completion) -> config.model(model).price().costNanos(new Usage(prompt, completion, 0));
    }

    void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.get("/admin/rules").handler(this::current);
        router.put("/admin/rules").handler(body).handler(this::replace);
        router.post("/admin/rules/validate").handler(body).handler(this::validate);
        router.get("/admin/rules/versions").handler(this::versions);
        router.get("/admin/rules/versions/:version").handler(this::version);
        router.post("/admin/rules/rollback/:version").handler(body).handler(this::rollback);
        router.post("/admin/rules/explain").handler(body).handler(this::explain);
        router.post("/admin/rules/simulate").handler(body).handler(this::simulate);
    }

    private void current(RoutingContext ctx) {
        AdminBodies.respond(ctx, rules.current().map(RulesJson::version));
    }

    private void replace(RoutingContext ctx) {
        String author = RoleAuth.key(ctx).name();
        AdminBodies.respond(ctx, rules.put(text(ctx), author, comment(ctx)).map(RulesJson::version));
    }

    private void validate(RoutingContext ctx) {
        RuleSet valid = rules.validate(text(ctx));
        ObjectNode answer = Json.MAPPER.createObjectNode().put("valid", true).put("rules", valid.size());
        AdminBodies.respond(ctx, Future.succeededFuture(answer));
    }

    private void versions(RoutingContext ctx) {
        long current = rules.active().current().number();
        AdminBodies.respond(ctx, rules.versions().map(all -> {
            ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            all.forEach(v -> data.add(RulesJson.summary(v, v.version() == current)));
            return list;
        }));
    }

    private void version(RoutingContext ctx) {
        long number = versionParam(ctx);
        AdminBodies.respond(ctx, rules.version(number).map(found -> RulesJson.version(orNotFound(found, number))));
    }

    private void rollback(RoutingContext ctx) {
        String author = RoleAuth.key(ctx).name();
        AdminBodies.respond(ctx, rules.rollback(versionParam(ctx), author, comment(ctx)).map(RulesJson::version));
    }

    private void explain(RoutingContext ctx) {
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(headers::put);
        ActiveRules.Version version = rules.active().current();
        int hour = (int) (Math.floorDiv(clock.millis(), 3_600_000L) % 24);
        ObjectNode answer;
        try {
            answer = RulesJson.explanation(version.number(),
                    version.rules().explain(ExplainFacts.of(AdminBodies.json(ctx), headers, tokens, hour)));
        } catch (IllegalArgumentException e) {
            throw AdminBodies.invalid(e.getMessage());
        }
        AdminBodies.respond(ctx, Future.succeededFuture(answer));
    }

    private void simulate(RoutingContext ctx) {
        JsonNode body = AdminBodies.json(ctx);
        JsonNode candidate = body.get("rules");
        if (candidate == null) {
            throw AdminBodies.invalid("Send the candidate rules as 'rules' (YAML text or a JSON array) and the recorded calls as"
                    + " 'traffic' (an array), 'traffic_jsonl' (text) or 'recorded' (a window of the audit: {\"from\", \"to\"}).");
        }
        RuleSet after = candidate.isTextual() ? rules.validate(candidate.asText())
                : RuleSet.compile(candidate.isObject() ? candidate.get("rules") : candidate, rules.tiers());
        ActiveRules.Version before = rules.active().current();
        AdminBodies.respond(ctx, SimulationTraffic.read(body, audit, clock, ctx.vertx()).compose(traffic ->
                ctx.vertx().executeBlocking(() -> {
                    ObjectNode report = RulesJson.simulation(before.number(),
                            WhatIf.simulate(traffic.calls(), before.rules(), after, costs));
                    report.set("traffic", traffic.source());
                    return report;
                }, false)));
    }

    private static String text(RoutingContext ctx) {
        String text = ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw AdminBodies.invalid("Send the rules as YAML or JSON in the body.");
        }
        return text;
    }


    private static String comment(RoutingContext ctx) {
        String comment = ctx.queryParams().get("comment");
        return comment != null ? comment : ctx.request().getHeader(COMMENT_HEADER);
    }

    private static long versionParam(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("version"));
        } catch (NumberFormatException e) {
            throw AdminBodies.invalid("A rules version is a number, got '" + ctx.pathParam("version") + "'.");
        }
    }

    private static RulesVersion orNotFound(RulesVersion version, long number) {
        if (version == null) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "There is no rules version " + number + ".");
        }
        return version;
    }


}
