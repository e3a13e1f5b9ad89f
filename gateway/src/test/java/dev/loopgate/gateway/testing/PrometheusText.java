package dev.loopgate.gateway.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scrape in the Prometheus text format (0.0.4), parsed: every sample with its name, labels
 * and value, and every family's {@code # TYPE}. Label values are unescaped; a malformed line
 * fails the parse, so a test also checks that the output is valid.
 */
public final class PrometheusText {
    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = List.copyOf(samples);
        this.types = Map.copyOf(types);
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    types.put(parts[2], parts[3]);
                }
                continue;
            }
            try {
                samples.add(new LineParser(line).sample());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + " is not a sample: " + line, e);
            }
        }
        return new PrometheusText(samples, types);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The {@code # TYPE} of a family (the name without {@code _total}, {@code _bucket} and such). */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    /** The sample with exactly these labels, given as name, value, name, value... */
    public Optional<Sample> find(String name, String... labels) {
        Map<String, String> wanted = labels(labels);
        List<Sample> found = samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().equals(wanted)).toList();
        if (found.size() > 1) {
            throw new AssertionError("several samples " + name + wanted + ": " + found);
        }
        return found.stream().findFirst();
    }

    /** The value of the sample with exactly these labels; fails when there is none. */
    public double value(String name, String... labels) {
        return find(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + labels(labels)
                + "; samples named so: " + named(name))).value();
    }

    /** Like {@link #value}, but 0 when there is no such sample (a counter not yet incremented). */
    public double valueOrZero(String name, String... labels) {
        return find(name, labels).map(Sample::value).orElse(0.0);
    }

    /** The samples of this name. */
    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    private static Map<String, String> labels(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        return labels;
    }

    /** {@code name{label="value",...} value [timestamp]}, with escapes in label values. */
    private static final class LineParser {
        private final String line;
        private int at;

        LineParser(String line) {
            this.line = line;
        }

        Sample sample() {
            String name = name();
            Map<String, String> labels = new LinkedHashMap<>();
            if (at < line.length() && line.charAt(at) == '{') {
                at++;
                while (peek() != '}') {
                    String label = name();
                    expect('=');
                    expect('"');
                    labels.put(label, quoted());
                    if (peek() == ',') {
                        at++;
                    }
                }
                at++;
            }
            expect(' ');
            String[] rest = line.substring(at).trim().split(" ");
            if (rest.length < 1 || rest.length > 2) {
                throw new IllegalArgumentException("expected a value and an optional timestamp");
            }
            return new Sample(name, labels, value(rest[0]));
        }

        private String name() {
            int start = at;
            while (at < line.length() && isNameChar(line.charAt(at), at == start)) {
                at++;
            }
            if (at == start) {
                throw new IllegalArgumentException("expected a name at " + at);
            }
            return line.substring(start, at);
        }

        private String quoted() {
            StringBuilder value = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    char escaped = next();
                    value.append(switch (escaped) {
                        case 'n' -> '\n';
                        case '\\', '"' -> escaped;
                        default -> throw new IllegalArgumentException("bad escape \\" + escaped);
                    });
                } else {
                    value.append(c);
                }
            }
        }

        private char peek() {
            if (at >= line.length()) {
                throw new IllegalArgumentException("unexpected end of line");
            }
            return line.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + (at - 1));
            }
        }

        private static boolean isNameChar(char c, boolean first) {
            return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (!first && c >= '0' && c <= '9');
        }

        private static double value(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(text);
            };
        }
    }
}
