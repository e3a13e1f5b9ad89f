package dev.loopgate.rules;

import java.util.Objects;

/**
 * A shell-style pattern over identifiers: {@code *} matches any run of characters,
 * {@code ?} exactly one, everything else itself. Compiled once; matching is a
 * linear-time scan with no regex and no allocation, so it is safe on the hot path.
 */
public final class Glob {
    private final String pattern;
    private final boolean literal;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.literal = pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
    }

    public static Glob compile(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("a glob must not be empty");
        }
        return new Glob(pattern);
    }

    /** True when the pattern has no wildcard, so it names exactly one value. */
    public boolean isLiteral() {
        return literal;
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(CharSequence text) {
        if (literal) {
            return pattern.contentEquals(text);
        }
        // Greedy match with single backtrack point: the classic wildcard algorithm.
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        int plen = pattern.length();
        int tlen = text.length();
        while (t < tlen) {
            if (p < plen) {
                char pc = pattern.charAt(p);
                if (pc == '*') {
                    starP = p++;
                    starT = t;
                    continue;
                }
                if (pc == '?' || pc == text.charAt(t)) {
                    p++;
                    t++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            p = starP + 1;
            t = ++starT;
        }
        while (p < plen && pattern.charAt(p) == '*') {
            p++;
        }
        return p == plen;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
