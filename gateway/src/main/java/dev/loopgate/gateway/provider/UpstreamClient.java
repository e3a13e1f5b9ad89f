package dev.loopgate.gateway.provider;

import dev.loopgate.gateway.config.ProviderConfig;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The HTTP side of one provider, whatever its wire format: a pooled keep-alive client, the
 * first-byte timer, and dropping a call whose caller left. Adapters choose the path, the
 * headers and the body; the answer comes back paused, exactly as the upstream sent it.
 */
public final class UpstreamClient {
    private final Vertx vertx;
    private final ProviderConfig config;
    private final HttpClientAgent client;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final MultiMap credentials;

    /**
     * @param credentials headers that carry the provider's key, set last so that no configured
     *        header can replace them (the validator rejects such a header anyway)
     */
    public UpstreamClient(Vertx vertx, ProviderConfig config, URI baseUrl, MultiMap credentials) {
        this.vertx = vertx;
        this.config = config;
        this.credentials = MultiMap.caseInsensitiveMultiMap().addAll(credentials);
        this.ssl = "https".equalsIgnoreCase(baseUrl.getScheme());
        this.host = baseUrl.getHost();
        this.port = baseUrl.getPort() > 0 ? baseUrl.getPort() : ssl ? 443 : 80;
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) config.timeouts().connect().toMillis())
                .setDecompressionSupported(false)
                .setVerifyHost(true)
                // Hosted APIs sit behind CDNs that pick the certificate by SNI.
                .setForceSni(true);
        this.client = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(config.maxConnections()))
                .build();
    }

    /** The headers every call carries: a JSON body, the answer's media type, the caller's request id. */
    public static MultiMap callHeaders(UpstreamRequest request) {
        return MultiMap.caseInsensitiveMultiMap()
                .set(HttpHeaders.CONTENT_TYPE, "application/json")
                .set(HttpHeaders.ACCEPT, request.stream() ? "text/event-stream" : "application/json")
                .set("x-request-id", request.requestId());
    }

    /**
     * POSTs {@code body} to {@code path} under the base URL with the given headers, then the
     * provider's configured headers, then the credentials. Completes when the status line and
     * headers arrive, or fails with {@link UpstreamException}.
     */
    public Future<UpstreamResponse> post(String path, MultiMap headers, Buffer body, Future<Void> abandoned) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath + path)
                .setConnectTimeout(config.timeouts().connect().toMillis());
        headers.forEach(options::putHeader);
        config.headers().forEach(options::putHeader);
        credentials.forEach(options::putHeader);
        Promise<UpstreamResponse> answer = Promise.promise();
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                Throwable cause = connected.cause();
                answer.fail(new UpstreamException(isConnectTimeout(cause) ? UpstreamException.Kind.CONNECT_TIMEOUT
                        : UpstreamException.Kind.CONNECT, config.name() + ": " + describe(cause), cause));
                return;
            }
            HttpClientRequest call = connected.result();
            long totalMs = config.timeouts().total().toMillis();
            long firstByteMs = Math.min(config.timeouts().firstByte().toMillis(), totalMs);
            UpstreamException.Kind late = firstByteMs < totalMs
                    ? UpstreamException.Kind.FIRST_BYTE_TIMEOUT : UpstreamException.Kind.TOTAL_TIMEOUT;
            long timer = vertx.setTimer(firstByteMs, id -> {
                if (answer.tryFail(new UpstreamException(late,
                        config.name() + ": no response within " + firstByteMs + " ms", null))) {
                    call.reset();
                }
            });
            abandoned.onComplete(left -> {
                if (answer.tryFail(new UpstreamException(UpstreamException.Kind.CONNECTION_LOST,
                        config.name() + ": the caller left before the response", null))) {
                    call.reset();
                }
            });
            call.send(body).onComplete(sent -> {
                vertx.cancelTimer(timer);
                if (sent.failed()) {
                    answer.tryFail(new UpstreamException(UpstreamException.Kind.CONNECTION_LOST,
                            config.name() + ": " + describe(sent.cause()), sent.cause()));
                    return;
                }
                HttpClientResponse response = sent.result();
                response.pause();
                if (!answer.tryComplete(new Response(call, response))) {
                    call.reset();
                }
            });
        });
        return answer.future();
    }

    public Future<Void> shutdown(Duration grace) {
        return client.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Netty's connect timeout, or Vert.x's when no pooled connection came free in time. */
    private static boolean isConnectTimeout(Throwable cause) {
        return cause instanceof ConnectTimeoutException || cause instanceof TimeoutException;
    }

    /**
     * What went wrong, in words fit for the loop's client: the provider is named by its config
     * name, never by its host and port (Netty's messages carry both), which are the operator's.
     */
    static String describe(Throwable cause) {
        if (isConnectTimeout(cause)) {
            return "connecting timed out";
        }
        if (cause instanceof UnknownHostException) {
            return "its host name did not resolve";
        }
        if (cause instanceof ConnectException) {
            return "the connection was refused";
        }
        if (cause instanceof SSLException) {
            return "the TLS handshake failed";
        }
        if (cause instanceof HttpClosedException || cause instanceof IOException) {
            return "the connection was closed";
        }
        return "the call failed (" + cause.getClass().getSimpleName() + ")";
    }

    private record Response(HttpClientRequest call, HttpClientResponse response) implements UpstreamResponse {
        @Override
        public int status() {
            return response.statusCode();
        }

        @Override
        public String contentType() {
            String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
            return type == null ? "application/json" : type;
        }

        @Override
        public String retryAfter() {
            return response.getHeader(HttpHeaders.RETRY_AFTER);
        }

        @Override
        public ReadStream<Buffer> body() {
            return response;
        }

        @Override
        public void cancel() {
            call.reset();
        }
    }
}
