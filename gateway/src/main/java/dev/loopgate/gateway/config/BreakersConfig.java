package dev.loopgate.gateway.config;

import dev.loopgate.budgets.ledger.BreakerSettings;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The breakers that pause a misbehaving loop, where to tell a human when one trips, the secret
 * its deliveries are signed with ({@code breakers.notify.secret}), and the fractions of a
 * loop's budget whose first crossing is a warning ({@code breakers.warn_at}, ascending).
 */
public record BreakersConfig(BreakerSettings settings, Optional<URI> webhook, Optional<Secret> webhookSecret,
        List<Double> warnAt) {
    public static final BreakersConfig OFF = new BreakersConfig(BreakerSettings.OFF, Optional.empty(), Optional.empty(),
            List.of());

    public BreakersConfig {
        warnAt = List.copyOf(warnAt);
    }
}
