package dev.loopgate.gateway.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** Renders errors in OpenAI's shape: {@code {"error":{"message","type","code","param"}}}. */
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
