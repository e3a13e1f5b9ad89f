package dev.loopgate.gateway.http;

import dev.loopgate.gateway.config.ClientLimits;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Admits a new connection, shared by every server instance: at most
 * {@link ClientLimits#maxConnectionsPerAddress()} open from one address (more are closed at
 * once), and each HTTP/1 connection gets its {@link ClientDeadlines}.
 */
final class ConnectionGuard {
    /** The Vert.x HTTP/1 codec; the deadlines go right after it, where heads are decoded and answers not yet encoded. */
    private static final String ENCODER = "httpEncoder";
    private static final String DEADLINES = "loopgate-deadlines";

    private final ClientLimits limits;
    private final ClientRefusals refusals;
    private final ConcurrentMap<String, Integer> openByAddress = new ConcurrentHashMap<>();

    ConnectionGuard(ClientLimits limits, ClientRefusals refusals) {
        this.limits = limits;
        this.refusals = refusals;
    }

    void accept(HttpConnection connection) {
        if (limits.maxConnectionsPerAddress() > 0) {
            SocketAddress remote = connection.remoteAddress();
            String address = remote == null || remote.hostAddress() == null ? "" : remote.hostAddress();
            int open = openByAddress.merge(address, 1, Integer::sum);
            connection.closeHandler(closed -> openByAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1));
            if (open > limits.maxConnectionsPerAddress()) {
                refusals.tooManyConnections();
                connection.close();
                return;
            }
        }
        // Vert.x offers no public hook into a connection's pipeline; its connections are ConnectionBase.
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(ENCODER) != null && pipeline.get(DEADLINES) == null) {
                pipeline.addAfter(ENCODER, DEADLINES, new ClientDeadlines(limits, refusals));
            }
        }
    }
}
