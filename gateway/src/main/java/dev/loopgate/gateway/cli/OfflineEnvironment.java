package dev.loopgate.gateway.cli;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * The environment for commands that read a config only for its tiers, models and prices
 * (rules validate, explain, simulate): real variables where set, a placeholder for any
 * secret that is not, so an admin can check rules without holding production keys.
 */
final class OfflineEnvironment extends AbstractMap<String, String> {
    static final String PLACEHOLDER = "offline-placeholder-secret";

    private final Map<String, String> real;

    OfflineEnvironment(Map<String, String> real) {
        this.real = real;
    }

    @Override
    public String get(Object name) {
        return real.getOrDefault(name, PLACEHOLDER);
    }

    @Override
    public boolean containsKey(Object name) {
        return true;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return real.entrySet();
    }
}
