package dev.loopgate.gateway.config;

import dev.loopgate.budgets.ledger.BreakerSettings;
import java.net.URI;
import java.util.Optional;

/** The breakers that pause a misbehaving loop, and where to tell a human when one trips. */
public record BreakersConfig(BreakerSettings settings, Optional<URI> webhook) {
    public static final BreakersConfig OFF = new BreakersConfig(BreakerSettings.OFF, Optional.empty());
}
