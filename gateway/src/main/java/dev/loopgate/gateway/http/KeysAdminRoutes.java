package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.auth.Role;
import dev.loopgate.gateway.auth.RuntimeKey;
import dev.loopgate.gateway.auth.RuntimeKeys;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.config.internal.DurationParser;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.Glob;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code /admin/keys}: keys made, listed, revoked and rotated while the gateway runs. A secret
 * is in the answer that makes it and nowhere else; listings never hold one.
 */
final class KeysAdminRoutes {
    private static final long BODY_LIMIT = 16 * 1024;
    /** How long a run-scoped key works when the request names no expiry. */
    static final Duration DEFAULT_RUN_KEY_TTL = Duration.ofHours(24);
    /** How long a rotated key's old secret keeps working when the request names no overlap. */
    static final Duration DEFAULT_OVERLAP = Duration.ofHours(1);

    private final RuntimeKeys keys;
    private final ApiKeyRegistry registry;
    private final Clock clock;

    KeysAdminRoutes(RuntimeKeys keys, ApiKeyRegistry registry, Clock clock) {
        this.keys = keys;
        this.registry = registry;
        this.clock = clock;
    }

    void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.get("/admin/keys").handler(this::list);
        router.post("/admin/keys").handler(body).handler(this::create);
        router.delete("/admin/keys/:id").handler(this::revoke);
        router.post("/admin/keys/:id/rotate").handler(body).handler(this::rotate);
    }

    private void list(RoutingContext ctx) {
        long now = clock.millis();
        AdminBodies.respond(ctx, onContext(keys.list()).map(made -> {
            ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            for (KeyConfig key : registry.configKeys()) {
                ObjectNode row = data.addObject().put("id", key.id()).put("name", key.name())
                        .put("role", key.role().wireName()).put("source", "config");
                ArrayNode loops = row.putArray("loops");
                key.loops().forEach(glob -> loops.add(glob.pattern()));
            }
            made.forEach(key -> data.add(view(key, now)));
            return list;
        }));
    }

    private void create(RoutingContext ctx) {
        RuntimeKeys.Request request = request(AdminBodies.json(ctx));
        ctx.response().setStatusCode(201);
        AdminBodies.respond(ctx, onContext(keys.create(request, RoleAuth.key(ctx).name()))
                .map(issued -> view(issued.key(), clock.millis()).put("key", issued.secret())));
    }

    private void revoke(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        AdminBodies.respond(ctx, onContext(keys.revoke(id, RoleAuth.key(ctx).name()))
                .map(done -> Json.MAPPER.createObjectNode().put("id", id).put("revoked", true)));
    }

    private void rotate(RoutingContext ctx) {
        JsonNode body = ctx.body().length() == 0 ? Json.MAPPER.createObjectNode() : AdminBodies.json(ctx);
        Duration overlap = body.hasNonNull("overlap") ? duration(body.get("overlap"), "overlap") : DEFAULT_OVERLAP;
        AdminBodies.respond(ctx, onContext(keys.rotate(ctx.pathParam("id"), overlap, RoleAuth.key(ctx).name()))
                .map(issued -> view(issued.key(), clock.millis()).put("key", issued.secret())
                        .put("old_secrets_valid_until", Instant.ofEpochMilli(clock.millis() + overlap.toMillis()).toString())));
    }

    private static ObjectNode view(RuntimeKey key, long now) {
        ObjectNode row = Json.MAPPER.createObjectNode().put("id", key.id()).put("name", key.name())
                .put("role", key.role().wireName()).put("source", "api");
        key.loops().forEach(row.putArray("loops")::add);
        if (key.run() != null) {
            row.put("run", key.run());
        }
        if (key.caps() != null) {
            ObjectNode caps = row.putObject("caps");
            if (key.caps().usdPerDayNanos() > 0) {
                caps.put("usd_per_day", Money.toUsd(key.caps().usdPerDayNanos()));
            }
            caps.put("rpm", key.caps().rpm()).put("tpm", key.caps().tpm());
        }
        if (key.expiresAtMillis() != 0) {
            row.put("expires_at", Instant.ofEpochMilli(key.expiresAtMillis()).toString());
        }
        row.put("expired", key.expiredAt(now));
        row.put("secrets", key.secrets().stream().filter(s -> s.validUntilMillis() == 0 || s.validUntilMillis() > now).count());
        row.put("created_at", Instant.ofEpochMilli(key.createdAtMillis()).toString()).put("created_by", key.createdBy());
        return row;
    }

    /** The request, or a 400 naming every problem. */
    private RuntimeKeys.Request request(JsonNode body) {
        List<String> problems = new ArrayList<>();
        String name = body.path("name").asText(null);
        if (!KeyConfig.isValidName(name)) {
            problems.add("name: " + (name == null ? "required" : KeyConfig.NAME_RULE));
        }
        Role role = null;
        String roleName = body.path("role").asText(Role.LOOP.wireName());
        for (Role candidate : Role.values()) {
            if (candidate.wireName().equals(roleName)) {
                role = candidate;
            }
        }
        if (role == null) {
            problems.add("role: must be loop, finance or admin, got '" + roleName + "'");
        }
        List<String> loops = new ArrayList<>();
        body.path("loops").forEach(glob -> {
            try {
                loops.add(Glob.compile(glob.asText()).pattern());
            } catch (IllegalArgumentException e) {
                problems.add("loops[" + loops.size() + "]: " + e.getMessage());
            }
        });
        String run = body.path("run").asText(null);
        if (run != null && (loops.size() != 1 || !Glob.compile(loops.get(0)).isLiteral())) {
            problems.add("run: a run-scoped key needs exactly one loop, by its id (loops: [\"<loop id>\"])");
        }
        long expiresAt = 0;
        if (body.hasNonNull("expires_at")) {
            try {
                expiresAt = Instant.parse(body.get("expires_at").asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                problems.add("expires_at: expected an instant like 2026-12-31T00:00:00Z");
            }
        } else if (body.hasNonNull("expires_in")) {
            expiresAt = clock.millis() + duration(body.get("expires_in"), "expires_in").toMillis();
        } else if (run != null) {
            expiresAt = clock.millis() + DEFAULT_RUN_KEY_TTL.toMillis();
        }
        if (expiresAt != 0 && expiresAt <= clock.millis()) {
            problems.add("expires_at: already passed");
        }
        RuntimeKey.Caps caps = null;
        JsonNode capsNode = body.path("caps");
        if (capsNode.isObject()) {
            long usd = 0;
            if (capsNode.hasNonNull("usd_per_day")) {
                BigDecimal amount = capsNode.get("usd_per_day").decimalValue();
                if (amount.signum() <= 0) {
                    problems.add("caps.usd_per_day: must be positive");
                } else {
                    usd = Money.nanosOf(amount);
                }
            }
            long rpm = capsNode.path("rpm").asLong(0);
            long tpm = capsNode.path("tpm").asLong(0);
            if (rpm < 0 || tpm < 0) {
                problems.add("caps: rpm and tpm must be 0 (none) or positive");
            }
            caps = new RuntimeKey.Caps(usd, rpm, tpm);
        }
        if (!problems.isEmpty()) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "The key was not made.", "key", problems);
        }
        return new RuntimeKeys.Request(name, role, loops, run, caps, expiresAt);
    }

    private static Duration duration(JsonNode value, String field) {
        try {
            return DurationParser.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, field + ": " + e.getMessage(), field, List.of());
        }
    }

    private static <T> Future<T> onContext(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, Vertx.currentContext());
    }
}
