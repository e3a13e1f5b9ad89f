package dev.loopgate.gateway.provider.anthropic;

import static dev.loopgate.gateway.provider.anthropic.AnthropicWire.unsupported;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an OpenAI request that Anthropic Messages cannot honour. A call that asks
 * for one fails with a 400 naming it: answering without it would look like success while
 * giving the caller something other than what it asked for. Bookkeeping fields that do not
 * change the answer ({@code seed}, {@code store}, {@code service_tier}, {@code metadata},
 * {@code stream_options}) are simply not sent.
 */
final class AnthropicLimits {
    private AnthropicLimits() {
    }

    static void refuseUnsupported(JsonNode request) {
        JsonNode n = request.get("n");
        if (isSet(n) && !(n.isIntegralNumber() && n.intValue() == 1)) {
            throw unsupported("Anthropic models give one choice per call; 'n' must be 1.", "n");
        }
        if (request.path("logprobs").asBoolean(false)) {
            throw unsupported("Anthropic models do not return log probabilities; leave 'logprobs' unset.", "logprobs");
        }
        refuseIfSet(request, "top_logprobs", "Anthropic models do not return log probabilities.");
        JsonNode bias = request.get("logit_bias");
        if (isSet(bias) && !bias.isEmpty()) {
            throw unsupported("Anthropic models do not take 'logit_bias'.", "logit_bias");
        }
        for (String penalty : new String[] {"presence_penalty", "frequency_penalty"}) {
            JsonNode value = request.get(penalty);
            if (isSet(value) && !(value.isNumber() && value.doubleValue() == 0)) {
                throw unsupported("Anthropic models do not take '" + penalty + "'; leave it unset or 0.", penalty);
            }
        }
        refuseIfSet(request, "audio", "Anthropic models do not answer with audio.");
        for (JsonNode modality : request.path("modalities")) {
            if (!"text".equals(modality.asText())) {
                throw unsupported("Anthropic models answer with text only; 'modalities' must be [\"text\"].",
                        "modalities");
            }
        }
        refuseIfSet(request, "prediction", "Anthropic models do not take predicted outputs.");
        refuseIfSet(request, "web_search_options", "Web search cannot be requested from an Anthropic model here.");
        refuseIfSet(request, "functions", "The legacy 'functions' cannot be sent to an Anthropic model; use 'tools'.");
        refuseIfSet(request, "function_call",
                "The legacy 'function_call' cannot be sent to an Anthropic model; use 'tool_choice'.");
        String format = request.path("response_format").path("type").asText("text");
        if (!(format.equals("text") || format.equals("json_object") || format.equals("json_schema"))) {
            throw unsupported("'response_format' of type '" + format + "' cannot be sent to an Anthropic model.",
                    "response_format");
        }
    }

    private static void refuseIfSet(JsonNode request, String field, String why) {
        if (isSet(request.get(field))) {
            throw unsupported(why, field);
        }
    }

    private static boolean isSet(JsonNode value) {
        return value != null && !value.isNull();
    }
}
