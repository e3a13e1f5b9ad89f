package dev.loopgate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Routes by the request's {@code model} field alone: {@code auto} goes to the default
 * tier, a tier name to that tier's chain, a configured model to that model only.
 * It is the fallback decision the rule engine builds on.
 */
public final class RequestedModelRouter {
    public static final String RULE_AUTO = "model:auto";
    public static final String RULE_TIER = "model:tier";
    public static final String RULE_MODEL = "model:explicit";

    private final TierTable table;
    private final String validNames;

    public RequestedModelRouter(TierTable table) {
        this.table = table;
        List<String> names = new ArrayList<>();
        names.add(TierTable.AUTO);
        names.addAll(new TreeSet<>(table.tiers().keySet()));
        names.addAll(new TreeSet<>(table.models()));
        this.validNames = String.join(", ", names);
    }

    /** The decision for a requested model, or empty when the name is neither a tier nor a model. */
    public Optional<RouteDecision> route(String requested) {
        if (TierTable.AUTO.equals(requested)) {
            String tier = table.defaultTier();
            return Optional.of(new RouteDecision(tier, RULE_AUTO, table.chain(tier)));
        }
        if (table.isTier(requested)) {
            return Optional.of(new RouteDecision(requested, RULE_TIER, table.chain(requested)));
        }
        if (table.models().contains(requested)) {
            return Optional.of(new RouteDecision(null, RULE_MODEL, List.of(requested)));
        }
        return Optional.empty();
    }

    /** Every name a caller may put in {@code model}, for error messages. */
    public String validNames() {
        return validNames;
    }
}
