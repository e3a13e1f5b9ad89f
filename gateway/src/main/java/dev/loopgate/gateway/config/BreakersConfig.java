package dev.loopgate.gateway.config;

import dev.loopgate.budgets.ledger.BreakerSettings;
import java.net.URI;
import java.util.Optional;

/**
 * The breakers that pause a misbehaving loop, where to tell a human when one trips, and the
 * secret its deliveries are signed with ({@code breakers.notify.secret}).
 */
public record BreakersConfig(BreakerSettings settings, Optional<URI> webhook, Optional<Secret> webhookSecret) {
    public static final BreakersConfig OFF = new BreakersConfig(BreakerSettings.OFF, Optional.empty(), Optional.empty());
}
