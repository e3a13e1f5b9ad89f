package dev.loopgate.gateway.http;

import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.error.ErrorBodies;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.rules.RulesException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a failure as an OpenAI-shaped error. The one place failures are logged: the
 * gateway's own faults with their stack trace, upstream and outage failures as one line
 * per kind every 10 s, the caller's mistakes not at all.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    /** Refusals that last seconds: the caller is told when to try again. */
    private static final Set<ErrorCode> RETRY_SOON = EnumSet.of(ErrorCode.BUDGET_STORE_UNAVAILABLE,
            ErrorCode.LEDGER_REBUILDING);
    private static final ThrottledWarnings WARNINGS = new ThrottledWarnings(LOG::warn, Duration.ofSeconds(10),
            System::nanoTime);

    private ErrorResponses() {
    }

    /** Our answer for a failure: known errors as they are, invalid rules with every problem, anything else a 500. */
    static GatewayException asGatewayException(Throwable thrown) {
        Throwable failure = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (failure instanceof GatewayException known) {
            return known;
        }
        if (failure instanceof RulesException invalid) {
            return new GatewayException(ErrorCode.INVALID_REQUEST, invalid.getMessage(), "rules", invalid.problems());
        }
        if (failure instanceof ConfigException invalid) {
            return new GatewayException(ErrorCode.INVALID_REQUEST, "gateway.yaml was not reloaded; the running config"
                    + " stays. Problems:", "config", invalid.problems());
        }
        return new GatewayException(ErrorCode.INTERNAL, "The gateway failed unexpectedly; the request id is in x-request-id.");
    }

    /**
     * A request Vert.x could not decode (a malformed head, an over-long line or header block, bad
     * chunk framing): answered in our shape and the connection closed, since where the next
     * request would start is unknown. The caller's mistake, so not logged.
     */
    static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        GatewayException error;
        if (cause instanceof TooLongHttpLineException) {
            error = new GatewayException(ErrorCode.REQUEST_HEAD_TOO_LARGE, "The request line is too long.");
        } else if (cause instanceof TooLongHttpHeaderException) {
            error = new GatewayException(ErrorCode.REQUEST_HEAD_TOO_LARGE, "The request headers are too large.");
        } else {
            error = new GatewayException(ErrorCode.INVALID_REQUEST, "The request could not be read as HTTP/1.1.");
        }
        HttpServerResponse response = request.response();
        if (!response.headWritten() && !response.closed()) {
            response.setStatusCode(error.code().status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                    .end(ErrorBodies.json(error));
        }
        request.connection().close();
    }

    /**
     * Marks the answer as the connection's last and closes the connection once it is written:
     * for a request whose body is not read, since where the next request would start is unknown.
     */
    static void closeAfterAnswer(RoutingContext ctx) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        ctx.addEndHandler(done -> ctx.request().connection().close());
    }

    static void send(HttpServerResponse response, MultiMap headers, Throwable failure) {
        send(response, headers, failure, Dialect.OPENAI);
    }

    /** The dialect a path's errors are written in: Anthropic's under {@code /v1/messages}, else OpenAI's. */
    static Dialect dialectOf(String path) {
        return path != null && path.startsWith("/v1/messages") ? Dialect.ANTHROPIC : Dialect.OPENAI;
    }

    static void send(HttpServerResponse response, MultiMap headers, Throwable failure, Dialect dialect) {
        GatewayException error = asGatewayException(failure);
        String requestId = headers.get("x-request-id");
        if (error.code() == ErrorCode.INTERNAL) {
            LOG.error("request {} failed unexpectedly", requestId, failure);
        } else if (error.code().status() >= 500) {
            WARNINGS.warn(error.code(), requestId, error.getMessage());
        }
        if (response.closed() || response.ended() || response.headWritten()
                || error.code() == ErrorCode.CLIENT_CLOSED) {
            return;
        }
        response.setStatusCode(error.code().status());
        response.headers().addAll(headers);
        if (RETRY_SOON.contains(error.code()) && !response.headers().contains(HttpHeaders.RETRY_AFTER)) {
            response.putHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.end(dialect == Dialect.ANTHROPIC ? ErrorBodies.anthropicJson(error) : ErrorBodies.json(error));
    }
}
