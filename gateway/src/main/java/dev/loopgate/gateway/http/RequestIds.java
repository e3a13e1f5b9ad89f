package dev.loopgate.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: the caller's {@code X-Request-Id} when it is short and printable, so
 * traces join up, otherwise a fresh random one (no SecureRandom on the hot path).
 */
final class RequestIds {
    static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    static String of(HttpServerRequest request) {
        String given = request.getHeader("x-request-id");
        return given != null && isPrintable(given) ? given : fresh();
    }

    static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[24];
        id[0] = 'r';
        id[1] = 'e';
        id[2] = 'q';
        id[3] = '_';
        long a = random.nextLong();
        long b = random.nextLong();
        for (int i = 0; i < 20; i++) {
            long source = i < 16 ? a >>> (i * 4) : b >>> ((i - 16) * 4);
            id[4 + i] = HEX[(int) (source & 0xF)];
        }
        return new String(id);
    }

    private static boolean isPrintable(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
