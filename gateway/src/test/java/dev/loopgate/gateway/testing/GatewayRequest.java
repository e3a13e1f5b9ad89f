package dev.loopgate.gateway.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call to the gateway as a loop would make it. By default it carries the loop key
 * {@link GatewayHarness#LOOP_KEY}, {@code X-Loop-Id: test-loop} and a fresh
 * {@code X-Request-Id}, so its call record can be found.
 */
public final class GatewayRequest {
    private static final AtomicLong IDS = new AtomicLong();

    private final HttpClient client;
    private final HttpMethod method;
    private final String path;
    private final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    private Buffer body;

    GatewayRequest(HttpClient client, HttpMethod method, String path) {
        this.client = client;
        this.method = method;
        this.path = path;
        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + GatewayHarness.LOOP_KEY);
        headers.set("X-Loop-Id", GatewayHarness.DEFAULT_LOOP);
        headers.set("X-Request-Id", "t-" + IDS.incrementAndGet());
    }

    public GatewayRequest key(String key) {
        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + key);
        return this;
    }

    public GatewayRequest noKey() {
        headers.remove(HttpHeaders.AUTHORIZATION);
        return this;
    }

    public GatewayRequest loop(String loopId) {
        headers.set("X-Loop-Id", loopId);
        return this;
    }

    public GatewayRequest noLoopHeader() {
        headers.remove("X-Loop-Id");
        return this;
    }

    /** Sets a header, or removes it when {@code value} is null. */
    public GatewayRequest header(String name, String value) {
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, value);
        }
        return this;
    }

    public GatewayRequest body(String body) {
        this.body = body == null ? null : Buffer.buffer(body);
        if (body != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        return this;
    }

    public String requestId() {
        return headers.get("X-Request-Id");
    }

    /** Sends the call and reads the whole answer, within {@link Poll#WAIT}. */
    public GatewayResponse send() {
        return GatewayHarness.await(start().compose(request -> (body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(answer ->
                        new GatewayResponse(response.statusCode(), copy(response.headers()), answer.toString())))));
    }

    /** Sends the call and hands over the answer as it streams, once its status has arrived. */
    public StreamingCall open() {
        StreamingCall call = openWithoutWaiting();
        call.status();
        return call;
    }

    /** Sends the call and returns at once, for tests that act before the gateway has answered. */
    public StreamingCall openWithoutWaiting() {
        return GatewayHarness.await(start().map(request -> {
            StreamingCall call = new StreamingCall(request.connection());
            (body == null ? request.send() : request.send(body)).onComplete(sent -> {
                if (sent.succeeded()) {
                    call.reading(sent.result());
                } else {
                    call.failed(sent.cause());
                }
            });
            return call;
        }));
    }

    private Future<HttpClientRequest> start() {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
        headers.forEach(options::putHeader);
        return client.request(options);
    }

    private static MultiMap copy(MultiMap headers) {
        return MultiMap.caseInsensitiveMultiMap().addAll(headers);
    }
}
