package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.call.AnthropicRequestParser;
import dev.loopgate.gateway.call.OpenAiRequestParser;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.call.ResponsesRequestParser;
import io.vertx.core.Future;

/** Reads the body once into the neutral request, with its dialect's parser, or answers 400 naming the field at fault. */
public final class ParseRequestStage implements Stage {
    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        exchange.request(switch (exchange.endpoint().dialect()) {
            case OPENAI -> OpenAiRequestParser.parse(exchange.endpoint(), exchange.body());
            case ANTHROPIC -> AnthropicRequestParser.parse(exchange.body());
            case RESPONSES -> ResponsesRequestParser.parse(exchange.body());
        });
        return next.proceed(exchange);
    }
}
