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
    /** The rule of a call whose requested name an alias stood for. */
    public static final String RULE_ALIAS = "model:alias";

    private final TierTable table;
    private final String validNames;
    private final List<Glob> aliasNames = new ArrayList<>();
    private final List<String> aliasTargets = new ArrayList<>();

    public RequestedModelRouter(TierTable table) {
        this.table = table;
        List<String> names = new ArrayList<>();
        names.add(TierTable.AUTO);
        names.addAll(new TreeSet<>(table.tiers().keySet()));
        names.addAll(new TreeSet<>(table.models()));
        names.addAll(table.aliases().keySet());
        this.validNames = String.join(", ", names);
        table.aliases().forEach((name, target) -> {
            aliasNames.add(Glob.compile(name));
            aliasTargets.add(target);
        });
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
        String target = aliasTarget(requested);
        return target == null ? Optional.empty() : route(target)
                .map(decision -> new RouteDecision(decision.tier(), RULE_ALIAS, decision.targets()));
    }

    /** What the first alias matching {@code requested} stands for, or null. */
    public String aliasTarget(String requested) {
        for (int i = 0; i < aliasNames.size(); i++) {
            if (aliasNames.get(i).matches(requested)) {
                return aliasTargets.get(i);
            }
        }
        return null;
    }

    /** Every name a caller may put in {@code model}, for error messages. */
    public String validNames() {
        return validNames;
    }
}
