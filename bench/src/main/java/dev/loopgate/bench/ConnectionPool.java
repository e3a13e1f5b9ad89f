package dev.loopgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import java.util.ArrayDeque;

/**
 * A keep-alive pool of HTTP/1.1 connections for one event loop, at most {@code max} open;
 * callers beyond that wait in order. Thinner than the Vert.x client's own pool (no endpoint
 * resolution per request), which matters when the load generator shares the cores with what
 * it measures. Not thread-safe: used from its event loop only.
 */
final class ConnectionPool {
    private final HttpClientAgent client;
    private final HttpConnectOptions connect;
    private final int max;
    private final ArrayDeque<HttpClientConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Promise<HttpClientConnection>> waiters = new ArrayDeque<>();
    private int open;

    ConnectionPool(HttpClientAgent client, HttpConnectOptions connect, int max) {
        this.client = client;
        this.connect = connect;
        this.max = max;
    }

    Future<HttpClientConnection> acquire() {
        HttpClientConnection connection = idle.pollLast();
        if (connection != null) {
            return Future.succeededFuture(connection);
        }
        if (open < max) {
            return openOne();
        }
        Promise<HttpClientConnection> waiter = Promise.promise();
        waiters.addLast(waiter);
        return waiter.future();
    }

    /** Gives back a connection whose last exchange ended cleanly. */
    void release(HttpClientConnection connection) {
        Promise<HttpClientConnection> waiter = waiters.pollFirst();
        if (waiter != null) {
            waiter.complete(connection);
        } else {
            idle.addLast(connection);
        }
    }

    /** Closes a connection whose exchange failed; a waiter gets a new one. */
    void discard(HttpClientConnection connection) {
        connection.close();
    }

    private Future<HttpClientConnection> openOne() {
        open++;
        return client.connect(connect).andThen(result -> {
            if (result.succeeded()) {
                HttpClientConnection connection = result.result();
                connection.closeHandler(v -> closed(connection));
            } else {
                open--;
                Promise<HttpClientConnection> waiter = waiters.pollFirst();
                if (waiter != null) {
                    waiter.fail(result.cause());
                }
            }
        });
    }

    private void closed(HttpClientConnection connection) {
        open--;
        idle.remove(connection);
        Promise<HttpClientConnection> waiter = waiters.pollFirst();
        if (waiter != null) {
            openOne().onComplete(waiter);
        }
    }
}
