package dev.loopgate.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port where connecting hangs until the caller's connect timeout: a listener
 * with a backlog of one that never accepts, its accept queue filled first, so the kernel
 * drops every further SYN (Linux does, rather than refusing).
 */
public final class BlackholePort implements AutoCloseable {
    private static final int MAX_FILLERS = 64;

    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private BlackholePort(ServerSocket listener) {
        this.listener = listener;
    }

    public static BlackholePort open() {
        try {
            BlackholePort hole = new BlackholePort(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            hole.fill();
            return hole;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects until a connect times out: from then on the queue is full. */
    private void fill() throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(address, 200);
                fillers.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled; connects to this port would not time out");
    }

    /** The base URL a provider's {@code base_url} points at. */
    public String baseUrl() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/v1";
    }

    @Override
    public void close() {
        fillers.forEach(socket -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a test socket
            }
        });
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
