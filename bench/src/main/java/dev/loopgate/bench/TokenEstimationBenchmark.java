package dev.loopgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.tokens.TokenEstimator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link TokenEstimator#chatPromptTokens} as the gateway runs it once per chat call, on requests
 * already parsed to JSON: a short two-message chat, a 20-message agent transcript with tool
 * calls and a tools array, and one ~32 KB prompt (a source file pasted in for review).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenEstimationBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenEstimator estimator;
    private JsonNode shortChat;
    private JsonNode agentTranscript;
    private JsonNode largePrompt;

    @Setup
    public void setUp() {
        estimator = new TokenEstimator();
        shortChat = shortChatRequest();
        agentTranscript = agentTranscriptRequest();
        largePrompt = largePromptRequest();
        check("shortChat", shortChat, 20, 60);
        check("agentTranscript", agentTranscript, 2_000, 8_000);
        check("largePrompt", largePrompt, 6_000, 14_000);
    }

    @Benchmark
    public long shortChat() {
        return estimator.chatPromptTokens(shortChat);
    }

    @Benchmark
    public long agentTranscript() {
        return estimator.chatPromptTokens(agentTranscript);
    }

    @Benchmark
    public long largePrompt() {
        return estimator.chatPromptTokens(largePrompt);
    }

    /** The transcript as a fresh estimator sees it: no text counted before. */
    @Benchmark
    public long agentTranscriptFirstSeen() {
        return new TokenEstimator().chatPromptTokens(agentTranscript);
    }

    /** The large prompt as a fresh estimator sees it. */
    @Benchmark
    public long largePromptFirstSeen() {
        return new TokenEstimator().chatPromptTokens(largePrompt);
    }

    /** Fails the run when a request is not the size it claims to be. */
    private void check(String name, JsonNode request, long min, long max) {
        long tokens = estimator.chatPromptTokens(request);
        int bytes = request.toString().length();
        if (tokens < min || tokens > max) {
            throw new IllegalStateException(name + ": " + tokens + " tokens, expected " + min + ".." + max);
        }
        System.out.printf("%n%s: %d bytes of JSON, %d prompt tokens%n", name, bytes, tokens);
    }

    static JsonNode shortChatRequest() {
        ObjectNode request = MAPPER.createObjectNode().put("model", "auto");
        ArrayNode messages = request.putArray("messages");
        message(messages, "system", "You are a careful planner. Answer in at most five numbered steps.");
        message(messages, "user", "Plan step 1: add a retry with backoff to the upload client and a test for it.");
        return request;
    }

    /** System prompt, task, then nine rounds of a tool call and its result: 20 messages, 4 tools. */
    static JsonNode agentTranscriptRequest() {
        ObjectNode request = MAPPER.createObjectNode().put("model", "auto").put("max_tokens", 2000);
        ArrayNode messages = request.putArray("messages");
        message(messages, "system", """
                You are a coding agent working in a Java repository. Use the tools to read files, search, \
                edit and run the tests. Keep changes small, explain each one in a sentence, and stop when \
                the tests pass. Never touch files outside src/ and test/. Prefer records for data and \
                sealed interfaces for outcomes; do not add dependencies.""");
        message(messages, "user", """
                The nightly build fails: UploadClientTest.retriesOnServerError times out after 30 s. \
                Find out why and fix it. The upload client lives in src/main/java/com/acme/upload/.""");
        String[][] rounds = {
            {"search", "{\"query\":\"class UploadClient\",\"path\":\"src/main/java\"}"},
            {"read_file", "{\"path\":\"src/main/java/com/acme/upload/UploadClient.java\"}"},
            {"read_file", "{\"path\":\"src/test/java/com/acme/upload/UploadClientTest.java\"}"},
            {"search", "{\"query\":\"Backoff\",\"path\":\"src/main/java/com/acme\"}"},
            {"read_file", "{\"path\":\"src/main/java/com/acme/upload/Backoff.java\"}"},
            {"write_file", "{\"path\":\"src/main/java/com/acme/upload/Backoff.java\",\"content\":"
                    + MAPPER.valueToTree(javaSource(5, 2)) + "}"},
            {"run_tests", "{\"module\":\"upload\",\"tests\":[\"UploadClientTest\"]}"},
            {"write_file", "{\"path\":\"src/main/java/com/acme/upload/UploadClient.java\",\"content\":"
                    + MAPPER.valueToTree(javaSource(7, 3)) + "}"},
            {"run_tests", "{\"module\":\"upload\"}"},
        };
        for (int i = 0; i < rounds.length; i++) {
            String id = "call_" + Integer.toHexString(0x5a17 * (i + 1)) + "Qx" + i;
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
            ObjectNode call = assistant.putArray("tool_calls").addObject().put("id", id).put("type", "function");
            call.putObject("function").put("name", rounds[i][0]).put("arguments", rounds[i][1]);
            messages.addObject().put("role", "tool").put("tool_call_id", id).put("content", toolResult(rounds[i][0], i));
        }
        ArrayNode tools = request.putArray("tools");
        tool(tools, "read_file", "Read a file of the repository and return its text.", "path");
        tool(tools, "write_file", "Replace a file's whole content; creates the file if needed.", "path", "content");
        tool(tools, "search", "Search the repository for a string; returns file:line matches.", "query", "path");
        tool(tools, "run_tests", "Run the tests of a module, optionally only some classes.", "module", "tests");
        if (messages.size() != 20) {
            throw new IllegalStateException("expected 20 messages, got " + messages.size());
        }
        return request;
    }

    /** One user message holding ~32 KB: a request for review followed by the file itself. */
    static JsonNode largePromptRequest() {
        ObjectNode request = MAPPER.createObjectNode().put("model", "frontier");
        ArrayNode messages = request.putArray("messages");
        message(messages, "system", "You review Java code for correctness and concurrency bugs.");
        StringBuilder prompt = new StringBuilder("Review this file. List each bug with its line and a fix.\n\n");
        int methods = 0;
        while (prompt.length() < 32 * 1024) {
            prompt.append(javaSource(1, methods++));
        }
        message(messages, "user", prompt.toString());
        return request;
    }

    private static String toolResult(String tool, int round) {
        return switch (tool) {
            case "search" -> "src/main/java/com/acme/upload/UploadClient.java:14: public final class UploadClient {\n"
                    + "src/main/java/com/acme/upload/Backoff.java:9: final class Backoff {\n"
                    + "src/test/java/com/acme/upload/UploadClientTest.java:31: Backoff backoff = Backoff.exponential();";
            case "read_file" -> javaSource(3 + round % 3, round);
            case "write_file" -> "{\"ok\":true,\"bytes\":" + (1800 + round * 97) + "}";
            default -> "[INFO] Running com.acme.upload.UploadClientTest\n"
                    + "[INFO] Tests run: 7, Failures: " + (round < 8 ? 1 : 0) + ", Errors: 0, Skipped: 0, Time elapsed: "
                    + (round < 8 ? "30.02" : "0.41") + " s\n"
                    + (round < 8 ? "[ERROR] retriesOnServerError  Time elapsed: 30.01 s  <<< TIMEOUT!\n"
                    + "org.junit.jupiter.api.AssertTimeoutPreemptively: execution timed out after 30000 ms\n"
                    + "\tat com.acme.upload.UploadClientTest.retriesOnServerError(UploadClientTest.java:58)\n" : "")
                    + "[INFO] BUILD " + (round < 8 ? "FAILURE" : "SUCCESS");
        };
    }

    /** Java-looking source of {@code methods} methods; {@code seed} varies names and numbers. */
    private static String javaSource(int methods, int seed) {
        StringBuilder source = new StringBuilder();
        source.append("package com.acme.upload;\n\nimport java.time.Duration;\nimport java.util.List;\n\n");
        source.append("/** Sends parts of a file with retries; generated section ").append(seed).append(". */\n");
        source.append("public final class UploadPart").append(seed).append(" {\n");
        for (int m = 0; m < methods; m++) {
            int n = seed * 31 + m;
            source.append("    /** Uploads part ").append(n).append(", retrying a 5xx up to ").append(3 + n % 4)
                    .append(" times with exponential backoff. */\n");
            source.append("    public Result uploadPart").append(n).append("(byte[] chunk, int offset, Duration timeout) {\n");
            source.append("        int attempts = 0;\n");
            source.append("        long delayMillis = ").append(100 + n % 7 * 50).append("L;\n");
            source.append("        while (true) {\n");
            source.append("            Response response = http.put(\"/parts/\" + offset, chunk, timeout);\n");
            source.append("            if (response.status() < 500 || ++attempts > ").append(3 + n % 4).append(") {\n");
            source.append("                return Result.of(response, attempts);\n");
            source.append("            }\n");
            source.append("            sleeper.sleep(Duration.ofMillis(delayMillis)); // TODO jitter, cap at 30 s\n");
            source.append("            delayMillis *= 2;\n");
            source.append("        }\n");
            source.append("    }\n\n");
        }
        return source.append("}\n").toString();
    }

    private static void message(ArrayNode messages, String role, String content) {
        messages.addObject().put("role", role).put("content", content);
    }

    private static void tool(ArrayNode tools, String name, String description, String... parameters) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", name).put("description", description);
        ObjectNode schema = function.putObject("parameters").put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (String parameter : parameters) {
            ObjectNode property = properties.putObject(parameter).put("description", "The " + parameter + ".");
            if (parameter.equals("tests")) {
                property.put("type", "array").putObject("items").put("type", "string");
            } else {
                property.put("type", "string");
            }
            required.add(parameter);
        }
    }
}
