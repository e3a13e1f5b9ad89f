package dev.loopgate.gateway.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chatPromptsFollowOpenAisAccounting() throws Exception {
        JsonNode request = JSON.readTree("""
                {"model":"auto","messages":[{"role":"user","content":"hello world"}]}""");
        // 3 to prime the reply, 3 per message, "user" 1, "hello world" 2.
        assertEquals(9, new TokenEstimator().chatPromptTokens(request));
    }

    @Test
    void aResentTranscriptCountsTheSameAsAFreshOne() throws Exception {
        String longTurn = "The build failed in module budgets because a test timed out. ".repeat(40);
        String body = """
                {"messages":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}]}"""
                .formatted(longTurn, "retry step 4");
        TokenEstimator warm = new TokenEstimator();
        long first = warm.chatPromptTokens(JSON.readTree(body));
        assertEquals(first, warm.chatPromptTokens(JSON.readTree(body)), "counted again from memory");
        assertEquals(first, new TokenEstimator().chatPromptTokens(JSON.readTree(body)), "as a cold estimator counts");
        assertTrue(first > 400, "the long turn is counted, not skipped: " + first);
    }

    @Test
    void longTextsAreEncodedOnceShortOnesEveryTime() {
        TextCounts counts = new TextCounts();
        AtomicInteger encoded = new AtomicInteger();
        String longText = "x".repeat(TextCounts.MIN_CHARS);
        for (int i = 0; i < 3; i++) {
            assertEquals(TextCounts.MIN_CHARS, counts.count(longText, text -> {
                encoded.incrementAndGet();
                return text.length();
            }));
        }
        assertEquals(1, encoded.get());
        for (int i = 0; i < 3; i++) {
            counts.count("short", text -> encoded.incrementAndGet());
        }
        assertEquals(4, encoded.get());
    }

    @Test
    void theCacheStaysBounded() {
        TextCounts counts = new TextCounts();
        String base = "y".repeat(TextCounts.MIN_CHARS);
        for (int i = 0; i < TextCounts.MAX_ENTRIES + 100; i++) {
            counts.count(base + i, String::length);
        }
        assertTrue(counts.size() <= TextCounts.MAX_ENTRIES, "held " + counts.size());
        assertEquals(TextCounts.MIN_CHARS + 3, counts.count(base + 123, String::length), "still right after emptying");
    }
}
