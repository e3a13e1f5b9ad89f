package dev.loopgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One event loop's share of a load run: its own HTTP/1.1 client with a keep-alive pool of
 * {@code connections}, sending either back to back on each connection (closed loop) or when
 * {@link #submit} says (open loop). A request counts when its intended start falls in the
 * measured window; its latency runs from that intended start, so time spent waiting for a free
 * connection or for a late sender counts too (no coordinated omission).
 */
final class LoadVerticle extends VerticleBase {
    private final LoadOptions options;
    private final RequestBodies bodies;
    private final Window window;
    private final int connections;
    private final AtomicLong sequence;
    private final RequestOptions[] requests;
    private final Tally tally = new Tally();
    private HttpClientAgent client;
    private ConnectionPool pool;
    private int inFlight;
    private int measuredInFlight;
    private Promise<Tally> drained;
    private long drainTimer = -1;
    private boolean over;

    /** The run's clock: warm-up starts at {@code start}, measuring at {@code measureFrom}, sending stops at {@code end}. */
    record Window(long start, long measureFrom, long end) {
    }

    LoadVerticle(LoadOptions options, RequestBodies bodies, Window window, int connections, AtomicLong sequence) {
        this.options = options;
        this.bodies = bodies;
        this.window = window;
        this.connections = connections;
        this.sequence = sequence;
        int loops = Math.max(1, options.loopIds());
        this.requests = new RequestOptions[loops];
        for (int i = 0; i < loops; i++) {
            RequestOptions r = new RequestOptions().setMethod(HttpMethod.POST)
                    .setHost(options.url().getHost()).setPort(options.port()).setURI(options.pathAndQuery())
                    .setIdleTimeout(options.timeout().toMillis())
                    .putHeader("content-type", "application/json");
            options.headers().forEach(r::putHeader);
            if (options.loopIds() > 0) {
                r.putHeader("x-loop-id", "bench-loop-" + i);
            }
            requests[i] = r;
        }
    }

    @Override
    public Future<?> start() {
        client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setPipelining(false)
                        .setDecompressionSupported(false).setKeepAliveTimeout(120)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis())))
                .build();
        pool = new ConnectionPool(client, new HttpConnectOptions().setHost(options.url().getHost())
                .setPort(options.port()).setConnectTimeout(options.timeout().toMillis()), connections);
        return Future.succeededFuture();
    }

    /** Closed loop: one chain of back-to-back requests per connection, from the start. */
    void startClosedLoop() {
        context.runOnContext(v -> {
            for (int i = 0; i < connections; i++) {
                nextClosed();
            }
        });
    }

    /** Open loop: send one request whose intended start was {@code intendedNanos}. */
    void submit(long intendedNanos) {
        context.runOnContext(v -> send(intendedNanos));
    }

    /** Completes with the tally once nothing is in flight, or at {@code deadlineNanos}, whichever comes first. */
    Future<Tally> drain(long deadlineNanos) {
        Promise<Tally> promise = Promise.promise();
        context.runOnContext(v -> {
            drained = promise;
            long wait = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            drainTimer = vertx.setTimer(wait, id -> {
                drainTimer = -1;
                for (int i = 0; i < measuredInFlight; i++) {
                    tally.error("incomplete");
                }
                measuredInFlight = 0;
                finishDrain();
            });
            if (inFlight == 0) {
                finishDrain();
            }
        });
        return promise.future();
    }

    private void finishDrain() {
        if (drained == null) {
            return;
        }
        if (drainTimer >= 0) {
            vertx.cancelTimer(drainTimer);
            drainTimer = -1;
        }
        Promise<Tally> p = drained;
        drained = null;
        over = true;
        client.close();
        p.complete(tally);
    }

    private void nextClosed() {
        long now = System.nanoTime();
        if (!over && drained == null && now < window.end()) {
            send(now);
        }
    }

    private void send(long intended) {
        if (over) {
            return;
        }
        long seq = sequence.getAndIncrement();
        boolean measured = intended >= window.measureFrom();
        if (measured) {
            tally.sent++;
            measuredInFlight++;
        }
        inFlight++;
        Call call = new Call(intended, measured, options.stream());
        RequestOptions request = requests[(int) (seq % requests.length)];
        pool.acquire().onComplete(acquired -> {
            if (acquired.failed()) {
                done(call, kind(acquired.cause()));
                return;
            }
            HttpClientConnection connection = acquired.result();
            connection.request(request)
                    .compose(r -> r.send(bodies.body(options.sameBody() ? 0 : seq)))
                    .onComplete(result -> {
                        if (result.failed()) {
                            pool.discard(connection);
                            done(call, kind(result.cause()));
                        } else {
                            read(call, connection, result.result());
                        }
                    });
        });
    }

    private void read(Call call, HttpClientConnection connection, HttpClientResponse response) {
        int status = response.statusCode();
        response.exceptionHandler(failure -> {
            pool.discard(connection);
            done(call, kind(failure));
        });
        response.handler(chunk -> call.onData(chunk, System.nanoTime()));
        boolean closing = "close".equalsIgnoreCase(response.getHeader("connection"));
        response.endHandler(v -> {
            if (closing) {
                pool.discard(connection);   // e.g. nginx after keepalive_requests; reusing it would fail
            } else {
                pool.release(connection);
            }
            done(call, status != 200 ? "http_" + status : call.problem());
        });
    }

    /** Ends a call once (an exception after the end, or the reverse, is ignored). */
    private void done(Call call, String error) {
        if (call.finished || over) {
            return;
        }
        call.finished = true;
        inFlight--;
        long now = System.nanoTime();
        if (call.measured && measuredInFlight > 0) {
            measuredInFlight--;
            if (error == null) {
                long first = call.firstByte == 0 ? now : call.firstByte;
                tally.success(now - call.intended, first - call.intended, call.reads, call.events);
            } else {
                tally.error(error);
            }
        }
        if (drained != null) {
            if (inFlight == 0) {
                finishDrain();
            }
        } else if (!options.openLoop()) {
            nextClosed();
        }
    }

    private static String kind(Throwable failure) {
        if (failure instanceof ConnectException) {
            return "connect";
        }
        if (failure instanceof TimeoutException
                || (failure.getMessage() != null && failure.getMessage().toLowerCase().contains("timeout"))) {
            return "timeout";
        }
        String name = failure.getClass().getSimpleName();
        return name.isEmpty() ? "exception" : name;
    }

    /** One request's progress: when its first body byte came, how many reads and SSE events. */
    private static final class Call {
        private static final byte[] DATA = "data:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final byte[] DONE = "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        final long intended;
        final boolean measured;
        final boolean stream;
        long firstByte;
        int reads;
        int events;
        int matched;
        final byte[] tail = new byte[DONE.length];
        int tailLength;
        boolean finished;

        Call(long intended, boolean measured, boolean stream) {
            this.intended = intended;
            this.measured = measured;
            this.stream = stream;
        }

        void onData(Buffer chunk, long now) {
            if (firstByte == 0) {
                firstByte = now;
            }
            reads++;
            if (!stream) {
                return;
            }
            int n = chunk.length();
            for (int i = 0; i < n; i++) {
                byte b = chunk.getByte(i);
                matched = b == DATA[matched] ? matched + 1 : (b == DATA[0] ? 1 : 0);
                if (matched == DATA.length) {
                    events++;
                    matched = 0;
                }
                if (b != '\n' && b != '\r' && b != ' ') {
                    System.arraycopy(tail, 1, tail, 0, tail.length - 1);
                    tail[tail.length - 1] = b;
                    tailLength = Math.min(tail.length, tailLength + 1);
                }
            }
        }

        /** Null when the answer is whole: for a stream, its last event is {@code [DONE]}. */
        String problem() {
            if (!stream) {
                return reads == 0 ? "empty_body" : null;
            }
            return tailLength == DONE.length && java.util.Arrays.equals(tail, DONE) ? null : "no_done";
        }
    }
}
