package dev.loopgate.gateway.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.Fixtures;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-level SSE reading the relay relies on: where events end and what their data says. */
class SseEventsTest {

    @Test
    void eventEndsAfterABlankLine() {
        Buffer text = Buffer.buffer("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n");

        int first = SseEvents.endOfEvent(text, 0, text.length());
        int second = SseEvents.endOfEvent(text, first, text.length());

        assertEquals("data: {\"a\":1}\n\n".length(), first);
        assertEquals(text.length(), second);
        assertEquals(-1, SseEvents.endOfEvent(text, second, text.length()));
    }

    @Test
    void eventEndsAfterACrlfBlankLine() {
        Buffer text = Buffer.buffer("data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n");

        int first = SseEvents.endOfEvent(text, 0, text.length());

        assertEquals("data: {\"a\":1}\r\n\r\n".length(), first);
        assertEquals(text.length(), SseEvents.endOfEvent(text, first, text.length()));
    }

    @Test
    void singleLineBreakDoesNotEndAnEvent() {
        Buffer text = Buffer.buffer("event: message\ndata: {\"a\":1}\n");

        assertEquals(-1, SseEvents.endOfEvent(text, 0, text.length()));
    }

    @ParameterizedTest(name = "split after {0} bytes")
    @ValueSource(ints = {1, 5, 13, 14, 15, 16})
    void eventSplitAcrossChunksIsFoundOnceItsLastByteArrives(int splitAt) {
        String event = "data: {\"a\":1}\r\n\r\n";
        Buffer arrived = Buffer.buffer(event.substring(0, splitAt));
        assertEquals(-1, SseEvents.endOfEvent(arrived, 0, arrived.length()), "incomplete after " + splitAt + " bytes");

        arrived.appendString(event.substring(splitAt));

        assertEquals(event.length(), SseEvents.endOfEvent(arrived, 0, arrived.length()));
    }

    @Test
    void endIsSearchedOnlyWithinTheGivenRange() {
        Buffer text = Buffer.buffer("data: x\n\n");

        assertEquals(-1, SseEvents.endOfEvent(text, 0, text.length() - 1));
    }

    @Test
    void everyEventOfTheRecordedStreamIsFoundWhateverTheChunking() {
        String recorded = Fixtures.text(Fixtures.CHAT_STREAM);
        List<String> expected = Fixtures.sseEvents(Fixtures.CHAT_STREAM);
        for (int chunk : new int[] {1, 7, 64, 1000, recorded.length()}) {
            assertEquals(expected, eventsFedInChunks(recorded, chunk), "chunks of " + chunk);
        }
    }

    @Test
    void dataPayloadSkipsOneSpaceAndStopsAtTheLineEnd() {
        Buffer event = Buffer.buffer("event: chunk\r\ndata: {\"a\":1}\r\n\r\n");

        int[] payload = SseEvents.dataPayload(event, 0, event.length());

        assertEquals("{\"a\":1}", event.getString(payload[0], payload[1]));
    }

    @Test
    void dataPayloadWithoutASpaceIsReadToo() {
        Buffer event = Buffer.buffer("data:[DONE]\n\n");

        int[] payload = SseEvents.dataPayload(event, 0, event.length());

        assertArrayEquals(new int[] {5, 11}, payload);
    }

    @Test
    void eventWithoutDataHasNoPayload() {
        Buffer event = Buffer.buffer(": keep-alive\n\n");

        assertNull(SseEvents.dataPayload(event, 0, event.length()));
    }

    @Test
    void doneIsRecognisedOnlyAsTheWholePayload() {
        assertTrue(isDone("data: [DONE]\n\n"));
        assertTrue(isDone("data:[DONE]\r\n\r\n"));
        assertFalse(isDone("data: [DONE] \n\n"));
        assertFalse(isDone("data: {\"content\":\"[DONE]\"}\n\n"));
        assertFalse(isDone("data: [DONE\n\n"));
    }

    @Test
    void usageObjectMayCarryUsage() {
        assertTrue(mayCarryUsage("{\"choices\":[],\"usage\":{\"prompt_tokens\":3}}"));
        assertTrue(mayCarryUsage("{\"choices\":[], \"usage\" : {\"prompt_tokens\":3}}"));
    }

    @Test
    void nullOrMissingUsageCannotCarryUsage() {
        assertFalse(mayCarryUsage("{\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}"));
        assertFalse(mayCarryUsage("{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}"));
        assertFalse(mayCarryUsage("{\"choices\":[{\"delta\":{\"content\":\"the \\\"usage\\\":{ field\"}}]}"));
    }

    private static List<String> eventsFedInChunks(String recorded, int chunk) {
        List<String> events = new ArrayList<>();
        Buffer pending = Buffer.buffer();
        for (int i = 0; i < recorded.length(); i += chunk) {
            pending.appendString(recorded.substring(i, Math.min(recorded.length(), i + chunk)));
            int start = 0;
            int end;
            while ((end = SseEvents.endOfEvent(pending, start, pending.length())) >= 0) {
                events.add(pending.getString(start, end));
                start = end;
            }
            pending = pending.getBuffer(start, pending.length());
        }
        assertEquals(0, pending.length(), "bytes left after the last event");
        return events;
    }

    private static boolean isDone(String event) {
        Buffer buffer = Buffer.buffer(event);
        int[] payload = SseEvents.dataPayload(buffer, 0, buffer.length());
        return SseEvents.isDone(buffer, payload[0], payload[1]);
    }

    private static boolean mayCarryUsage(String payload) {
        Buffer buffer = Buffer.buffer(payload);
        return SseEvents.mayCarryUsage(buffer, 0, buffer.length());
    }
}
