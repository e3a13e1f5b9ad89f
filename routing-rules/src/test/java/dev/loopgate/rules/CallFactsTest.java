package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading call facts and recorded calls from their JSON form. */
class CallFactsTest {
    @Test
    void everyFieldIsReadFromSnakeCaseJson() {
        CallFacts facts = CallFacts.fromJson(json("""
                {"loop_id": "build-7", "run": "r-1", "role": "checker", "step": 12, "model": "auto",
                 "prompt_tokens": 900, "max_tokens": 256, "tools": true, "images": true, "json_mode": true,
                 "stream": true, "headers": {"X-Team": "infra"}, "metadata": {"task": "review", "attempt": 2},
                 "budget_used": 0.42, "repeat_count": 3, "hour": 23, "request_id": "ignored"}
                """));
        assertEquals(CallFacts.builder("build-7", "auto").run("r-1").role("checker").step(12).promptTokens(900)
                .maxTokens(256).tools(true).images(true).jsonMode(true).stream(true).header("X-Team", "infra")
                .metadata("task", "review").metadata("attempt", "2").budgetUsed(0.42).repeatCount(3).utcHour(23)
                .build(), facts);
    }

    @Test
    void missingOptionalFieldsGetNeutralDefaults() {
        CallFacts facts = CallFacts.fromJson(json("{loop_id: l, model: mid}"));
        assertNull(facts.run());
        assertNull(facts.role());
        assertEquals(RequestFacts.ABSENT, facts.step());
        assertEquals(RequestFacts.ABSENT, facts.maxTokens());
        assertEquals(0, facts.promptTokens());
        assertFalse(facts.hasTools() || facts.hasImages() || facts.jsonMode() || facts.stream());
        assertEquals(Map.of(), facts.headers());
        assertEquals(Map.of(), facts.metadata());
        assertEquals(0.0, facts.budgetUsed());
        assertEquals(0, facts.repeatCount());
        assertEquals(0, facts.utcHour());
        assertEquals(CallFacts.builder("l", "mid").build(), facts);
    }

    @Test
    void nullMeansNotSent() {
        CallFacts facts = CallFacts.fromJson(json("{loop_id: l, model: auto, run: null, step: null, max_tokens: null}"));
        assertNull(facts.run());
        assertEquals(RequestFacts.ABSENT, facts.step());
        assertEquals(RequestFacts.ABSENT, facts.maxTokens());
    }

    @Test
    void headerNamesAreLookedUpCaseInsensitivelyAndMetadataKeysExactly() {
        CallFacts facts = CallFacts.builder("l", "auto").header("X-Team", "infra").metadata("Task", "x").build();
        assertEquals("infra", facts.header("x-team"));
        assertEquals("infra", facts.header("X-TEAM"));
        assertNull(facts.header("X-Other"));
        assertNull(facts.header(null));
        assertEquals("x", facts.metadata("Task"));
        assertNull(facts.metadata("task"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {model: auto}                                   | loop_id: missing (required)
            {loop_id: l}                                    | model: missing (required)
            {loop_id: "", model: auto}                      | loop_id: must not be empty
            {loop_id: 7, model: auto}                       | loop_id: expected a string, got 7
            {loop_id: l, model: auto, role: [a]}            | role: expected a string, got ["a"]
            {loop_id: l, model: auto, step: "3"}            | step: expected a whole number >= 0, got "3"
            {loop_id: l, model: auto, step: -1}             | step: expected a whole number >= 0, got -1
            {loop_id: l, model: auto, prompt_tokens: 1.5}   | prompt_tokens: expected a whole number >= 0, got 1.5
            {loop_id: l, model: auto, tools: "yes"}         | tools: expected true or false, got "yes"
            {loop_id: l, model: auto, hour: 24}             | hour: expected a whole number 0..23 (UTC), got 24
            {loop_id: l, model: auto, budget_used: "half"}  | budget_used: expected a number >= 0 (0.8 = 80% spent), got "half"
            {loop_id: l, model: auto, budget_used: -0.1}    | budget_used: expected a number >= 0 (0.8 = 80% spent), got -0.1
            {loop_id: l, model: auto, headers: [a]}         | headers: expected an object of names to strings, got ["a"]
            {loop_id: l, model: auto, metadata: {a: {}}}    | metadata.a: expected a string, got {}
            [1]                                             | expected a JSON object of call facts, got [1]
            """)
    void badInputNamesTheField(String json, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> CallFacts.fromJson(json(json))).getMessage());
    }

    @Test
    void aRecordedCallAddsCompletionTokensToTheFacts() {
        RecordedCall call = RecordedCall.fromJson(json("{loop_id: l, model: auto, prompt_tokens: 120, completion_tokens: 30}"));
        assertEquals(new RecordedCall(CallFacts.builder("l", "auto").promptTokens(120).build(), 120, 30), call);
        assertEquals(0, RecordedCall.fromJson(json("{loop_id: l, model: auto}")).completionTokens());
    }

    @Test
    void jsonLinesSkipBlankLines() {
        List<RecordedCall> calls = RecordedCall.readJsonl(new StringReader("""
                {"loop_id": "a", "model": "auto", "prompt_tokens": 10, "completion_tokens": 1}

                {"loop_id": "b", "model": "big", "prompt_tokens": 20, "completion_tokens": 2}
                   \s
                """));
        assertEquals(List.of("a", "b"), calls.stream().map(c -> c.facts().loopId()).toList());
        assertEquals(2, calls.get(1).completionTokens());
    }

    @Test
    void aBadLineIsNamedByItsNumber() {
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> RecordedCall.readJsonl(new StringReader(
                "{\"loop_id\": \"a\", \"model\": \"auto\"}\n\n{\"loop_id\": \"b\", \"model\": \"auto\", \"step\": \"x\"}\n")));
        assertEquals("line 3: step: expected a whole number >= 0, got \"x\"", wrong.getMessage());
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> RecordedCall.readJsonl(new StringReader("{\"loop_id\": \"a\", \"model\": \"auto\"}\n{oops\n")));
        assertEquals("line 2: not valid JSON: ", broken.getMessage().substring(0, "line 2: not valid JSON: ".length()));
    }
}
