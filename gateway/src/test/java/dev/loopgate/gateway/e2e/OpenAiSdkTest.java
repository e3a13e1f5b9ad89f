package dev.loopgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK pointed at the gateway, as a loop would use it: every
 * call it makes works, and the gateway's errors surface as the SDK's typed exceptions.
 */
class OpenAiSdkTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");
    static TestUpstream upstream;
    static OpenAIClient client;

    @BeforeAll
    static void connectSdk() {
        upstream = gateway.upstream("primary");
        client = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(GatewayHarness.LOOP_KEY)
                .putHeader("X-Loop-Id", "sdk-loop")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void closeSdk() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void chatCompletionComesBackThroughTheSdk() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("auto")
                .addSystemMessage("You plan refactors.")
                .addUserMessage("Plan the billing refactor.")
                .build());

        assertEquals(Fixtures.chatContent(), completion.choices().get(0).message().content().orElseThrow());
        assertEquals(Fixtures.usageOf(Fixtures.json(Fixtures.CHAT)).promptTokens(),
                completion.usage().orElseThrow().promptTokens());
        assertEquals("Bearer " + GatewayHarness.apiKeyOf("primary"), upstream.onlyRequest().header("Authorization"));
    }

    @Test
    void streamedChatCompletionDeltasAddUpToTheAnswer() {
        String text;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("mid").addUserMessage("Why do loops converge?").build())) {
            text = stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .flatMap(choice -> choice.delta().content().stream())
                    .collect(Collectors.joining());
        }

        assertEquals(Fixtures.streamContent(), text);
        JsonNode sent = upstream.onlyRequest().json();
        assertTrue(sent.path("stream").asBoolean());
        assertEquals("gpt-4.1-mini-2025-04-14", sent.path("model").asText());
    }

    @Test
    void embeddingsComeBackThroughTheSdkInItsDefaultBase64Encoding() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("embed")
                .input("billing refactor summary")
                .build());

        assertEquals(fixtureVector(), response.data().get(0).embedding());
        JsonNode sent = upstream.onlyRequest().json();
        assertEquals("text-embedding-3-small", sent.path("model").asText());
        assertEquals("base64", sent.path("encoding_format").asText(), "the SDK's own choice reaches the provider");
    }

    @Test
    void embeddingsComeBackThroughTheSdkAsFloatsWhenAskedSo() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("embed")
                .input("billing refactor summary")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build());

        assertEquals(fixtureVector(), response.data().get(0).embedding());
        assertEquals("float", upstream.onlyRequest().json().path("encoding_format").asText());
    }

    @Test
    void modelListOffersAutoTheTiersAndTheConcreteModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();

        assertTrue(ids.containsAll(List.of("auto", "frontier", "mid", "light", "big", "small", "nano", "embed")),
                ids::toString);
    }

    @Test
    void unknownModelSurfacesAsBadRequestExceptionWithOurCode() {
        BadRequestException error = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-x").addUserMessage("Hello?").build()));

        assertEquals(400, error.statusCode());
        assertEquals("invalid_request", error.code().orElse(null));
        assertEquals("invalid_request_error", error.type().orElse(null));
        assertEquals("model", error.param().orElse(null));
        assertEquals(List.of(), upstream.received());
    }

    private static List<Float> fixtureVector() {
        List<Float> vector = new ArrayList<>();
        Fixtures.json(Fixtures.EMBEDDINGS).path("data").path(0).path("embedding")
                .forEach(value -> vector.add(value.floatValue()));
        return vector;
    }
}
