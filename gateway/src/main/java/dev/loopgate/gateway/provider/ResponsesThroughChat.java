package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.ChatToResponses;
import dev.loopgate.gateway.wire.ResponsesToChat;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hub for the Responses API: a provider that does not serve it natively gets a Responses
 * call as a chat completion (which its own adapter then speaks in its dialect, Anthropic's
 * included), and the answer, or the stream event by event, comes back as a Responses response.
 * Errors keep OpenAI's shape, which the Responses API shares. Every other call, and every call
 * to a provider that serves the Responses API, goes to the adapter as it is.
 */
public final class ResponsesThroughChat implements ProviderAdapter {
    private final ProviderAdapter adapter;
    private final boolean servesResponses;
    private final Clock clock;

    public ResponsesThroughChat(ProviderAdapter adapter, boolean servesResponses, Clock clock) {
        this.adapter = adapter;
        this.servesResponses = servesResponses;
        this.clock = clock;
    }

    @Override
    public Future<UpstreamResponse> send(UpstreamRequest request) {
        if (request.endpoint() != Endpoint.RESPONSES || servesResponses) {
            return adapter.send(request);
        }
        ObjectNode original = request.body();
        ObjectNode chat;
        try {
            chat = ResponsesToChat.request(original);
        } catch (GatewayException refused) {
            return Future.failedFuture(refused);
        }
        long createdAt = clock.instant().getEpochSecond();
        String responseId = responseId();
        UpstreamRequest asChat = new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, chat, request.upstreamModel(),
                request.defaultMaxTokens(), request.stream(), request.requestId(), request.clientHeaders(),
                request.abandoned());
        return adapter.send(asChat).map(raw -> {
            int status = raw.status();
            if (status < 200 || status >= 300) {
                return raw;
            }
            return request.stream()
                    ? new TranslatedResponse(raw, status, "text/event-stream",
                            new TranslatedBody(raw.body(), new ChatStreamToResponses(original, createdAt, responseId)))
                    : new TranslatedResponse(raw, status, "application/json", new TranslatedBody(raw.body(),
                            WholeBody.bounded(UpstreamResponse.MAX_ANSWER_BYTES,
                                    body -> ChatToResponses.response(body, original, createdAt, responseId))));
        });
    }

    /** A response id of the gateway's own: unique across replicas without coordination. */
    private static String responseId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "resp_" + HexFormat.of().toHexDigits(random.nextLong())
                + HexFormat.of().toHexDigits(random.nextLong());
    }

    /** The provider's own adapter, behind this hub. */
    public ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    public Timeouts timeouts() {
        return adapter.timeouts();
    }

    @Override
    public Future<Void> shutdown(Duration grace) {
        return adapter.shutdown(grace);
    }
}
