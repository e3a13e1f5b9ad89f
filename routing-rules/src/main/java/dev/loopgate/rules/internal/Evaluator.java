package dev.loopgate.rules.internal;

import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.Decision;
import dev.loopgate.rules.Explanation;
import dev.loopgate.rules.Glob;
import dev.loopgate.rules.RejectDecision;
import dev.loopgate.rules.RequestFacts;
import dev.loopgate.rules.RequestedModelRouter;
import dev.loopgate.rules.RouteDecision;
import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.TierTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiled rules, evaluated top to bottom: matching modifier rules add up, the first matching
 * destination or reject rule decides, and when none does the requested model decides.
 * {@link #decide} allocates nothing unless a modifier's cap produces a new decision (or the
 * requested model is unknown).
 */
public final class Evaluator {
    final CompiledRule[] rules;
    final TierTable tiers;
    private final Map<String, Destination> requested = new HashMap<>();
    private final List<Glob> aliases = new ArrayList<>();
    private final List<Destination> aliased = new ArrayList<>();
    private final String validNames;
    private final List<String> ids;
    private final LoopFactCuts loopFactCuts;

    Evaluator(List<CompiledRule> rules, TierTable tiers) {
        this.rules = rules.toArray(new CompiledRule[0]);
        this.tiers = tiers;
        RequestedModelRouter router = new RequestedModelRouter(tiers);
        List<String> names = new ArrayList<>();
        names.add(TierTable.AUTO);
        names.addAll(tiers.tiers().keySet());
        names.addAll(tiers.models());
        for (String name : names) {
            router.route(name).ifPresent(d -> requested.putIfAbsent(name, Destination.of(tiers, d)));
        }
        this.validNames = router.validNames();
        tiers.aliases().forEach((name, target) -> router.route(target).ifPresent(d -> {
            aliases.add(Glob.compile(name));
            aliased.add(Destination.of(tiers, new RouteDecision(d.tier(), RequestedModelRouter.RULE_ALIAS, d.targets())));
        }));
        List<String> list = new ArrayList<>();
        for (CompiledRule rule : this.rules) {
            list.add(rule.id);
        }
        this.ids = List.copyOf(list);
        LoopFactCuts.Collector cuts = new LoopFactCuts.Collector();
        for (CompiledRule rule : this.rules) {
            rule.when.loopFactCuts(cuts);
        }
        this.loopFactCuts = cuts.cuts();
    }

    public LoopFactCuts loopFactCuts() {
        return loopFactCuts;
    }

    public Decision decide(RequestFacts facts) {
        int shift = 0;
        int cap = 0;
        for (CompiledRule rule : rules) {
            if (!rule.when.test(facts)) {
                continue;
            }
            switch (rule.kind) {
                case MODIFIER:
                    shift += rule.shift;
                    cap = Destination.minCap(cap, rule.cap);
                    break;
                case DESTINATION:
                    return rule.destination.apply(shift, cap);
                default:
                    return rule.reject;
            }
        }
        Destination destination = requested(facts.requestedModel());
        return destination == null ? unknownModel(facts.requestedModel()) : destination.apply(shift, cap);
    }

    public Explanation explain(RequestFacts facts) {
        return Explainer.explain(this, facts);
    }

    public List<String> ruleIds() {
        return ids;
    }

    public TierTable tiers() {
        return tiers;
    }

    /** What the request's {@code model} field asks for, directly or through an alias, or null when it names nothing configured. */
    Destination requested(String model) {
        if (model == null) {
            return null;
        }
        Destination exact = requested.get(model);
        if (exact != null) {
            return exact;
        }
        for (int i = 0; i < aliases.size(); i++) {
            if (aliases.get(i).matches(model)) {
                return aliased.get(i);
            }
        }
        return null;
    }

    RejectDecision unknownModel(String model) {
        String what = model == null ? "The request names no model." : "The model '" + model + "' does not exist here.";
        return new RejectDecision(RuleSet.RULE_UNKNOWN_MODEL, what + " Use one of: " + validNames + ".");
    }
}
