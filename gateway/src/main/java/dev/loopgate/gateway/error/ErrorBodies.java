package dev.loopgate.gateway.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Renders errors in each dialect's shape: OpenAI's {@code {"error":{"message","type","code","param"}}}
 * and Anthropic's {@code {"type":"error","error":{"type","message"}}}, whose message starts with
 * the gateway's code ({@code budget_exceeded: ...}) since the shape has no field for it.
 */
public final class ErrorBodies {
    private static final JsonFactory JSON = new JsonFactory();

    private ErrorBodies() {
    }

    public static Buffer json(GatewayException e) {
        return Buffer.buffer(render(e.code(), e.getMessage(), e.param(), e.problems()));
    }

    /** The same error as one SSE event, for a stream that can no longer change its status. */
    public static Buffer sseEvent(GatewayException e) {
        return Buffer.buffer("data: " + render(e.code(), e.getMessage(), e.param(), e.problems()) + "\n\n");
    }

    /** The error in Anthropic's shape. */
    public static Buffer anthropicJson(GatewayException e) {
        return Buffer.buffer(renderAnthropic(e));
    }

    /** The same error as an Anthropic {@code error} event, with its {@code event:} line (the SDKs need it). */
    public static Buffer anthropicSseEvent(GatewayException e) {
        return Buffer.buffer("event: error\ndata: " + renderAnthropic(e) + "\n\n");
    }

    /** Anthropic's error type for a status, as its API uses them. */
    public static String anthropicType(int status) {
        return switch (status) {
            case 400, 405, 408, 417, 431, 505 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> "api_error";
        };
    }

    private static String renderAnthropic(GatewayException e) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", anthropicType(e.code().status()));
            String message = e.code().code() + ": " + e.getMessage();
            g.writeStringField("message", e.problems().isEmpty() ? message
                    : message + " " + String.join("; ", e.problems()));
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
        return out.toString();
    }

    static String render(ErrorCode code, String message, String param, List<String> problems) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", code.type());
            g.writeStringField("code", code.code());
            if (param == null) {
                g.writeNullField("param");
            } else {
                g.writeStringField("param", param);
            }
            if (!problems.isEmpty()) {
                g.writeArrayFieldStart("problems");
                for (String problem : problems) {
                    g.writeString(problem);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
