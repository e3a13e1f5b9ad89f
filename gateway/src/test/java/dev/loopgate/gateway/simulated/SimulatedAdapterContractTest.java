package dev.loopgate.gateway.simulated;

import static dev.loopgate.gateway.testing.AdapterCalls.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.config.SimulatedOptions;
import dev.loopgate.gateway.provider.ProviderContract;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.http.HttpClientAgent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract for the simulated provider, against real {@link SimulatedUpstream}s on
 * loopback: one answering as configured by default, one at {@code failure_rate: 1}, one
 * whose latency outlasts every test. It serves no fixtures, so each is reached through the
 * contract's upstream {@linkplain UpstreamAnswer#relay relaying} to it, which records the
 * requests and sees the connections close. The expected answer is the one it generates,
 * always the same for the same request.
 */
class SimulatedAdapterContractTest extends ProviderContract {
    private static final String MODEL = "sim-small";

    private final TokenEstimator tokens = new TokenEstimator();
    private final List<SimulatedUpstream> simulated = new ArrayList<>();
    private HttpClientAgent relay;
    private URI answering;
    private URI failing;
    private URI slow;

    @BeforeAll
    void startSimulatedUpstreams() {
        relay = vertx.createHttpClient();
        answering = start(SimulatedOptions.DEFAULTS);
        failing = start(new SimulatedOptions(Duration.ZERO, Duration.ZERO, 1.0));
        slow = start(new SimulatedOptions(Duration.ofMinutes(10), Duration.ZERO, 0.0));
    }

    @AfterAll
    void stopSimulatedUpstreams() {
        simulated.forEach(upstream -> await(upstream.close()));
        await(relay.close());
    }

    @Override
    protected ProviderType type() {
        return ProviderType.SIMULATED;
    }

    @Override
    protected String upstreamModel() {
        return MODEL;
    }

    @Override
    protected Credentials credentials(String key) {
        return new Credentials("authorization", "Bearer " + key);
    }

    @Override
    protected Map<Capability, String> lacks() {
        return Map.of(
                Capability.TOOL_CALLS, "SimulatedUpstream answers with text only, never with tool calls",
                Capability.RATE_LIMIT, "SimulatedUpstream's one failure is a 503 (failure_rate), never a 429");
    }

    @Override
    protected Served<Completion> chat() {
        return new Served<>("the simulated answer", UpstreamAnswer.relay(relay, answering), generated());
    }

    @Override
    protected Served<Completion> stream() {
        return new Served<>("the simulated stream", UpstreamAnswer.relay(relay, answering), generated());
    }

    @Override
    protected List<Served<ErrorReply>> serverErrors() {
        return List.of(new Served<>("HTTP 503 at failure_rate 1", UpstreamAnswer.relay(relay, failing),
                new ErrorReply(503, "simulated upstream failure", null)));
    }

    @Override
    protected UpstreamAnswer silence() {
        return UpstreamAnswer.relay(relay, slow);
    }

    /** What the simulated upstream answers the contract's chat: its words, their tokens and the prompt's. */
    private Completion generated() {
        ObjectNode sent = chatBody(false).put("model", MODEL);
        String text = String.join("", new SimulatedAnswers(tokens).pieces(sent));
        return new Completion(text, tokens.chatPromptTokens(sent), tokens.text(text));
    }

    private URI start(SimulatedOptions options) {
        SimulatedUpstream upstream = new SimulatedUpstream(vertx, options);
        simulated.add(upstream);
        return await(upstream.start());
    }
}
