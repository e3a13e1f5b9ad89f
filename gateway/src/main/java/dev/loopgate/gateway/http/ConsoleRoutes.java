package dev.loopgate.gateway.http;

import dev.loopgate.gateway.auth.ApiKeyRegistry;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;

/**
 * The browser console at {@code /console/}: static pages from the jar that call the same
 * {@code /reports/*} and {@code /admin/*} APIs as any client, with the key the user signs in
 * with as a Bearer header (no cookies, so no CSRF to guard against). Chart.js comes from its
 * WebJar. Every console response carries a strict Content-Security-Policy: scripts and styles
 * only from this origin, no inline code, no frames.
 */
final class ConsoleRoutes {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** The console's own files: revalidated on every load, so a new gateway version is seen at once. */
    static final String REVALIDATE = "no-cache";
    /** WebJar paths carry the library's version, so a file under one never changes. */
    static final long VENDOR_MAX_AGE_SECONDS = Duration.ofDays(365).toSeconds();

    /**
     * Where the console's files are in the jar. Vert.x looks for a relative root in the working
     * directory before the classpath, so the root is a path no operator's directory would have.
     */
    static final String CONSOLE_ROOT = "META-INF/loopgate/console";

    private final ApiKeyRegistry keys;

    ConsoleRoutes(ApiKeyRegistry keys) {
        this.keys = keys;
    }

    void mount(Router router) {
        router.get("/console").handler(ConsoleRoutes::toIndex);
        router.route("/console/*").handler(ConsoleRoutes::securityHeaders);
        router.get("/console/api/me").handler(RoleAuth.console(keys)).handler(ConsoleRoutes::me);
        router.route("/console/vendor/chart.js/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(StaticHandler.create("META-INF/resources/webjars/chart.js")
                        .setMaxAgeSeconds(VENDOR_MAX_AGE_SECONDS)
                        .setDirectoryListing(false));
        router.route("/console/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> {
                    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, REVALIDATE);
                    ctx.next();
                })
                .handler(StaticHandler.create(CONSOLE_ROOT).setDirectoryListing(false));
    }

    /** Who the console is signed in as: the key's name and role (finance or admin; loop keys are refused). */
    private static void me(RoutingContext ctx) {
        KeyConfig key = RoleAuth.key(ctx);
        AdminBodies.respond(ctx, Future.succeededFuture(Json.MAPPER.createObjectNode()
                .put("name", key.name())
                .put("role", key.role().wireName())));
    }

    /** Vert.x matches {@code /console} for {@code /console/} too; only the bare path is sent to the slash. */
    private static void toIndex(RoutingContext ctx) {
        if ("/console".equals(ctx.request().path())) {
            ctx.redirect("/console/");
        } else {
            ctx.next();
        }
    }

    private static void securityHeaders(RoutingContext ctx) {
        ctx.response().headers()
                .set("Content-Security-Policy", CSP)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("X-Frame-Options", "DENY")
                .set("Cross-Origin-Opener-Policy", "same-origin");
        ctx.next();
    }
}
