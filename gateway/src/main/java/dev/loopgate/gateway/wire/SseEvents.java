package dev.loopgate.gateway.wire;

import io.vertx.core.buffer.Buffer;

/**
 * Byte-level helpers over Server-Sent Events, just enough to relay (or translate) them:
 * find where an event ends, and read its {@code data:} payload. Nothing else of an event
 * is parsed.
 */
public final class SseEvents {
    private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
    private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};
    private static final byte[] USAGE = {'"', 'u', 's', 'a', 'g', 'e', '"'};

    private SseEvents() {
    }

    /** The index just past the first event that ends at or after {@code from}, or -1 if none is complete. */
    public static int endOfEvent(Buffer buffer, int from, int to) {
        for (int i = from; i < to - 1; i++) {
            if (buffer.getByte(i) != '\n') {
                continue;
            }
            byte next = buffer.getByte(i + 1);
            if (next == '\n') {
                return i + 2;
            }
            if (next == '\r' && i + 2 < to && buffer.getByte(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /** The payload of the event's first {@code data:} line as [start, end), or null when it has none. */
    public static int[] dataPayload(Buffer buffer, int start, int end) {
        int line = start;
        while (line < end) {
            int lineEnd = line;
            while (lineEnd < end && buffer.getByte(lineEnd) != '\n' && buffer.getByte(lineEnd) != '\r') {
                lineEnd++;
            }
            if (startsWith(buffer, line, lineEnd, DATA)) {
                int payload = line + DATA.length;
                if (payload < lineEnd && buffer.getByte(payload) == ' ') {
                    payload++;
                }
                return new int[] {payload, lineEnd};
            }
            line = lineEnd + 1;
        }
        return null;
    }

    public static boolean isDone(Buffer buffer, int start, int end) {
        return end - start == DONE.length && startsWith(buffer, start, end, DONE);
    }

    /** True when the payload has a {@code "usage"} key whose value is an object, not null. */
    public static boolean mayCarryUsage(Buffer buffer, int start, int end) {
        for (int i = start; i <= end - USAGE.length; i++) {
            if (buffer.getByte(i) == '"' && startsWith(buffer, i, end, USAGE)) {
                int j = i + USAGE.length;
                while (j < end && isSpaceOrColon(buffer.getByte(j))) {
                    j++;
                }
                if (j < end && buffer.getByte(j) == '{') {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when {@code buffer[start, end)} holds the bytes of {@code needle}: a cheap test before parsing. */
    public static boolean contains(Buffer buffer, int start, int end, byte[] needle) {
        for (int i = start; i <= end - needle.length; i++) {
            if (buffer.getByte(i) == needle[0] && startsWith(buffer, i, end, needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpaceOrColon(byte b) {
        return b == ' ' || b == ':' || b == '\t';
    }

    private static boolean startsWith(Buffer buffer, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buffer.getByte(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
