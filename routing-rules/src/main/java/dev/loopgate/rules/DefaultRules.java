package dev.loopgate.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The rule pack Loopgate suggests for autonomous loops over the tiers {@code frontier},
 * {@code mid} and {@code light}: verification on frontier, small chores on light, repeats
 * escalate, a nearly spent budget de-escalates, explicit model requests respected. Each rule's
 * reason is a comment in the YAML.
 */
public final class DefaultRules {
    /** The classpath resource holding the pack. */
    public static final String RESOURCE = "/dev/loopgate/rules/default-rules.yaml";

    private DefaultRules() {
    }

    /** The pack's YAML text, comments included (a document of the form {@code rules: [...]}). */
    public static String yaml() {
        return Holder.YAML;
    }

    /**
     * The pack compiled against {@code tiers}, which must have the tiers frontier, mid and light.
     *
     * @throws RulesException when one of those tiers is missing
     */
    public static RuleSet compile(TierTable tiers) {
        return RuleSet.parse(yaml(), tiers);
    }

    private static final class Holder {
        static final String YAML = load();

        private static String load() {
            try (InputStream in = DefaultRules.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
