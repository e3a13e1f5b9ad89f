package dev.loopgate.rules.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Strict number reading for rule operands and call facts (no hex, no exponent, no NaN), and their display. */
final class Numbers {
    private Numbers() {
    }

    /** The decimal written in {@code text} ({@code -}digits with at most one {@code .}), or NaN when it is not one. */
    static double parseDecimal(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        int digits = 0;
        int dots = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.') {
                dots++;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || dots > 1 || text.endsWith(".") || text.startsWith(".", start)) {
            return Double.NaN;
        }
        return Double.parseDouble(text);
    }

    static boolean isWhole(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15;
    }

    /** A node holding a whole number that fits a long (YAML {@code 2}, not {@code 2.0} or {@code "2"}). */
    static boolean isWholeNode(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong();
    }

    /** {@code 5} for whole values, {@code 0.42} otherwise. */
    static String format(double value) {
        if (isWhole(value)) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
