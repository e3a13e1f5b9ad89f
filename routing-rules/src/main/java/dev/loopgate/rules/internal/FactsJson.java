package dev.loopgate.rules.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopgate.rules.CallFacts;
import dev.loopgate.rules.RecordedCall;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads call facts and recorded calls from their snake_case JSON form, naming the field at fault. */
public final class FactsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FactsJson() {
    }

    public static CallFacts callFacts(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("expected a JSON object of call facts, got " + Problems.shown(json));
        }
        CallFacts.Builder b = CallFacts.builder(requiredText(json, "loop_id"), requiredText(json, "model"))
                .run(optionalText(json, "run"))
                .role(optionalText(json, "role"))
                .step(count(json, "step", CallFacts.ABSENT))
                .promptTokens(count(json, "prompt_tokens", 0))
                .maxTokens(count(json, "max_tokens", CallFacts.ABSENT))
                .tools(flag(json, "tools"))
                .images(flag(json, "images"))
                .jsonMode(flag(json, "json_mode"))
                .stream(flag(json, "stream"))
                .budgetUsed(budget(json))
                .repeatCount(count(json, "repeat_count", 0))
                .utcHour(hour(json));
        strings(json, "headers").forEach(e -> b.header(e.getKey(), e.getValue()));
        strings(json, "metadata").forEach(e -> b.metadata(e.getKey(), e.getValue()));
        return b.build();
    }

    public static long completionTokens(JsonNode json) {
        return count(json, "completion_tokens", 0);
    }

    public static List<RecordedCall> readJsonl(Reader reader) {
        List<RecordedCall> calls = new ArrayList<>();
        BufferedReader lines = reader instanceof BufferedReader br ? br : new BufferedReader(reader);
        int number = 0;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    calls.add(RecordedCall.fromJson(JSON.readTree(line)));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("line " + number + ": not valid JSON: " + e.getOriginalMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return calls;
    }

    private static JsonNode present(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static String requiredText(JsonNode json, String field) {
        String text = optionalText(json, field);
        if (text == null) {
            throw new IllegalArgumentException(field + ": missing (required)");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        return text;
    }

    private static String optionalText(JsonNode json, String field) {
        JsonNode value = present(json, field);
        if (value != null && !value.isTextual()) {
            throw new IllegalArgumentException(field + ": expected a string, got " + Problems.shown(value));
        }
        return value == null ? null : value.textValue();
    }

    private static long count(JsonNode json, String field, long missing) {
        JsonNode value = present(json, field);
        if (value == null) {
            return missing;
        }
        if (!Numbers.isWholeNode(value) || value.longValue() < 0) {
            throw new IllegalArgumentException(field + ": expected a whole number >= 0, got " + Problems.shown(value));
        }
        return value.longValue();
    }

    private static boolean flag(JsonNode json, String field) {
        JsonNode value = present(json, field);
        if (value != null && !value.isBoolean()) {
            throw new IllegalArgumentException(field + ": expected true or false, got " + Problems.shown(value));
        }
        return value != null && value.booleanValue();
    }

    private static double budget(JsonNode json) {
        JsonNode value = present(json, "budget_used");
        if (value == null) {
            return 0;
        }
        if (!value.isNumber() || !(value.doubleValue() >= 0) || Double.isInfinite(value.doubleValue())) {
            throw new IllegalArgumentException("budget_used: expected a number >= 0 (0.8 = 80% spent), got "
                    + Problems.shown(value));
        }
        return value.doubleValue();
    }

    private static int hour(JsonNode json) {
        JsonNode value = present(json, "hour");
        if (value == null) {
            return 0;
        }
        if (!Numbers.isWholeNode(value) || value.longValue() < 0 || value.longValue() > 23) {
            throw new IllegalArgumentException("hour: expected a whole number 0..23 (UTC), got " + Problems.shown(value));
        }
        return value.intValue();
    }

    /** An object of scalar values as text (numbers and booleans as written); a missing one is empty. */
    private static List<Map.Entry<String, String>> strings(JsonNode json, String field) {
        JsonNode value = present(json, field);
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        if (value == null) {
            return entries;
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException(field + ": expected an object of names to strings, got " + Problems.shown(value));
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw new IllegalArgumentException(field + "." + e.getKey() + ": expected a string, got " + Problems.shown(v));
            }
            entries.add(Map.entry(e.getKey(), v.asText()));
        }
        return entries;
    }
}
