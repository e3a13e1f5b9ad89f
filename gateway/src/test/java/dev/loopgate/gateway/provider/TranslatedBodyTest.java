package dev.loopgate.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A translated body passes the reader's backpressure to the upstream: nothing is read
 * ahead, a fetching reader is never stalled by upstream buffers that yield no output, and
 * output that comes with the upstream's end waits for the reader's demand.
 */
class TranslatedBodyTest {
    private final FakeUpstream upstream = new FakeUpstream();
    private final List<String> read = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private boolean ended;

    @Test
    void nothingIsReadUntilTheReaderAsks() {
        reader(new Lines());

        assertEquals(0, upstream.demand, "the upstream body stays paused as handed over");
        assertEquals(List.of(), upstream.calls);
    }

    @Test
    void flowingReaderGetsOutputAndAnEmptyBufferForUpstreamDataThatCompletesNothing() {
        reader(new Lines()).resume();

        upstream.emit("ab");
        upstream.emit("c\nd");

        assertEquals(List.of("", "ABC\n"), read, "the empty buffer tells the reader's idle timer the upstream is alive");
    }

    @Test
    void fetchingReaderIsNotStalledByUpstreamDataThatCompletesNothing() {
        ReadStream<Buffer> body = reader(new Lines());

        body.fetch(1);
        upstream.emit("ab");

        assertEquals(List.of(), read, "no output yet, and the reader's one unit of demand is not spent");
        assertEquals(1, upstream.demand, "another upstream buffer was asked for in place of the one that gave nothing");
        upstream.emit("c\n");
        assertEquals(List.of("ABC\n"), read);
        assertEquals(0, upstream.demand, "the reader's demand is spent on output only");
    }

    @Test
    void pauseResumeAndFetchAreDelegatedToTheUpstream() {
        ReadStream<Buffer> body = reader(new Lines());

        body.fetch(2);
        body.pause();
        body.resume();

        assertEquals(List.of("fetch 2", "pause", "fetch " + Long.MAX_VALUE), upstream.calls);
    }

    @Test
    void outputThatComesWithTheEndWaitsForTheReadersDemand() {
        ReadStream<Buffer> body = reader(new Lines());
        body.fetch(1);
        upstream.emit("tail without newline");
        body.pause();

        upstream.end();

        assertEquals(List.of(), read);
        assertFalse(ended, "the end waits behind the output the reader has not taken");
        body.fetch(1);
        assertEquals(List.of("TAIL WITHOUT NEWLINE"), read);
        assertTrue(ended);
    }

    @Test
    void translatorThatIsOverEndsTheBodyAtOnceAndIgnoresTheRest() {
        reader(new Lines()).resume();

        upstream.emit("one\nSTOP\n");
        upstream.emit("more\n");
        upstream.end();

        assertEquals(List.of("ONE\nSTOP\n"), read);
        assertTrue(ended);
    }

    @Test
    void translatorFailureReachesTheReaderOnceAndLaterEventsAreIgnored() {
        reader(new Lines()).resume();

        upstream.emit("boom\n");
        upstream.fail(new IllegalStateException("reset"));
        upstream.end();

        assertEquals(1, failures.size());
        assertEquals("cannot translate 'boom'", failures.get(0).getMessage());
        assertFalse(ended);
    }

    @Test
    void upstreamFailureReachesTheReader() {
        reader(new Lines()).resume();
        IllegalStateException lost = new IllegalStateException("connection lost");

        upstream.fail(lost);

        assertSame(lost, failures.get(0));
    }

    private ReadStream<Buffer> reader(TranslatedBody.Translator translator) {
        TranslatedBody body = new TranslatedBody(upstream, translator);
        body.handler(b -> read.add(b.toString()));
        body.endHandler(v -> ended = true);
        body.exceptionHandler(failures::add);
        return body;
    }

    /** Upper-cases complete lines; a line "STOP" ends the body, a line "boom" fails it. */
    private static final class Lines implements TranslatedBody.Translator {
        private final StringBuilder pending = new StringBuilder();
        private boolean over;

        @Override
        public Buffer onData(Buffer chunk) {
            pending.append(chunk.toString());
            int end = pending.lastIndexOf("\n") + 1;
            String complete = pending.substring(0, end);
            pending.delete(0, end);
            if (complete.contains("boom")) {
                throw new IllegalArgumentException("cannot translate 'boom'");
            }
            over = complete.contains("STOP");
            return Buffer.buffer(complete.toUpperCase());
        }

        @Override
        public Buffer onEnd() {
            return Buffer.buffer(pending.toString().toUpperCase());
        }

        @Override
        public boolean isOver() {
            return over;
        }
    }

    /** An upstream body driven by the test, honouring demand the way a Vert.x stream does. */
    private static final class FakeUpstream implements ReadStream<Buffer> {
        final List<String> calls = new ArrayList<>();
        long demand;
        Handler<Buffer> handler;
        Handler<Void> endHandler;
        Handler<Throwable> exceptionHandler;

        void emit(String data) {
            if (demand == 0) {
                throw new AssertionError("the upstream delivered data while paused");
            }
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            handler.handle(Buffer.buffer(data));
        }

        void end() {
            endHandler.handle(null);
        }

        void fail(Throwable failure) {
            exceptionHandler.handle(failure);
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            this.exceptionHandler = handler;
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            this.handler = handler;
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            calls.add("pause");
            demand = 0;
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            return fetch(Long.MAX_VALUE);
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            calls.add("fetch " + amount);
            demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
            this.endHandler = endHandler;
            return this;
        }
    }
}
