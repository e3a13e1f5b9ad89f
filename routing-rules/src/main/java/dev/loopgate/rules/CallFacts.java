package dev.loopgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.rules.internal.FactsJson;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Every fact about one call, as plain values: for explain requests, the what-if replay, tests and
 * benchmarks. Header names are kept in lower case and looked up case-insensitively; metadata
 * keys are exact.
 *
 * @param step      the loop's step, or {@link RequestFacts#ABSENT}
 * @param maxTokens the request's {@code max_tokens}, or {@link RequestFacts#ABSENT}
 * @param utcHour   0..23
 */
public record CallFacts(
        String loopId,
        String run,
        String role,
        long step,
        String requestedModel,
        long promptTokens,
        long maxTokens,
        boolean hasTools,
        boolean hasImages,
        boolean jsonMode,
        boolean stream,
        Map<String, String> headers,
        Map<String, String> metadata,
        double budgetUsed,
        long repeatCount,
        int utcHour) implements RequestFacts {

    public CallFacts {
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(requestedModel, "requestedModel");
        requireArgument(step >= 0 || step == ABSENT, "step must be >= 0 or ABSENT, got " + step);
        requireArgument(promptTokens >= 0, "promptTokens must be >= 0, got " + promptTokens);
        requireArgument(maxTokens >= 0 || maxTokens == ABSENT, "maxTokens must be >= 0 or ABSENT, got " + maxTokens);
        requireArgument(budgetUsed >= 0 && Double.isFinite(budgetUsed), "budgetUsed must be a number >= 0, got " + budgetUsed);
        requireArgument(repeatCount >= 0, "repeatCount must be >= 0, got " + repeatCount);
        requireArgument(utcHour >= 0 && utcHour <= 23, "utcHour must be 0..23, got " + utcHour);
        Map<String, String> byName = new LinkedHashMap<>();
        Objects.requireNonNull(headers, "headers")
                .forEach((k, v) -> byName.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v, k)));
        headers = Collections.unmodifiableMap(byName);
        Map<String, String> meta = new LinkedHashMap<>();
        Objects.requireNonNull(metadata, "metadata").forEach((k, v) -> meta.put(k, Objects.requireNonNull(v, k)));
        metadata = Collections.unmodifiableMap(meta);
    }

    /**
     * Reads the snake_case JSON form: {@code loop_id} and {@code model} required; {@code run},
     * {@code role}, {@code step}, {@code prompt_tokens}, {@code max_tokens}, {@code tools},
     * {@code images}, {@code json_mode}, {@code stream}, {@code headers}, {@code metadata},
     * {@code budget_used}, {@code repeat_count}, {@code hour} optional (absent, false or 0 when
     * missing). Other fields are ignored, so exported call records can be read as they are.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static CallFacts fromJson(JsonNode json) {
        return FactsJson.callFacts(json);
    }

    public static Builder builder(String loopId, String requestedModel) {
        return new Builder(loopId, requestedModel);
    }

    /** Case-insensitive; a name given in lower case (as the rule engine does) is found without converting it. */
    @Override
    public String header(String name) {
        if (name == null) {
            return null;
        }
        String value = headers.get(name);
        return value != null ? value : headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String metadata(String key) {
        return key == null ? null : metadata.get(key);
    }

    private static void requireArgument(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builds call facts from the two required ones; everything else starts absent, false or 0. */
    public static final class Builder {
        private final String loopId;
        private final String requestedModel;
        private String run;
        private String role;
        private long step = ABSENT;
        private long promptTokens;
        private long maxTokens = ABSENT;
        private boolean tools;
        private boolean images;
        private boolean jsonMode;
        private boolean stream;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private double budgetUsed;
        private long repeatCount;
        private int utcHour;

        private Builder(String loopId, String requestedModel) {
            this.loopId = loopId;
            this.requestedModel = requestedModel;
        }

        public Builder run(String run) { this.run = run; return this; }
        public Builder role(String role) { this.role = role; return this; }
        public Builder step(long step) { this.step = step; return this; }
        public Builder promptTokens(long promptTokens) { this.promptTokens = promptTokens; return this; }
        public Builder maxTokens(long maxTokens) { this.maxTokens = maxTokens; return this; }
        public Builder tools(boolean tools) { this.tools = tools; return this; }
        public Builder images(boolean images) { this.images = images; return this; }
        public Builder jsonMode(boolean jsonMode) { this.jsonMode = jsonMode; return this; }
        public Builder stream(boolean stream) { this.stream = stream; return this; }
        public Builder header(String name, String value) { headers.put(name, value); return this; }
        public Builder metadata(String key, String value) { metadata.put(key, value); return this; }
        public Builder budgetUsed(double budgetUsed) { this.budgetUsed = budgetUsed; return this; }
        public Builder repeatCount(long repeatCount) { this.repeatCount = repeatCount; return this; }
        public Builder utcHour(int utcHour) { this.utcHour = utcHour; return this; }

        public CallFacts build() {
            return new CallFacts(loopId, run, role, step, requestedModel, promptTokens, maxTokens, tools, images,
                    jsonMode, stream, headers, metadata, budgetUsed, repeatCount, utcHour);
        }
    }
}
