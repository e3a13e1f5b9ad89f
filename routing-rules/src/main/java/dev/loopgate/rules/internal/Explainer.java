package dev.loopgate.rules.internal;

import dev.loopgate.rules.Decision;
import dev.loopgate.rules.Explanation;
import dev.loopgate.rules.RequestFacts;
import dev.loopgate.rules.RouteDecision;
import dev.loopgate.rules.RuleTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the trace of one decision: every rule with why it matched or not and whether its action
 * took effect, the modifiers that applied (or why they were ignored), and the decision itself.
 * Off the hot path, so it allocates freely; the decision is the one {@link Evaluator#decide} makes.
 */
final class Explainer {
    private Explainer() {
    }

    static Explanation explain(Evaluator evaluator, RequestFacts facts) {
        CompiledRule[] rules = evaluator.rules;
        String[] whyNot = new String[rules.length];
        int deciding = -1;
        for (int i = 0; i < rules.length; i++) {
            whyNot[i] = rules[i].when.whyNot(facts);
            if (whyNot[i] == null && deciding < 0 && rules[i].kind != RuleAction.Kind.MODIFIER) {
                deciding = i;
            }
        }
        Decision decision = evaluator.decide(facts);
        Destination destination = deciding >= 0 ? rules[deciding].destination : evaluator.requested(facts.requestedModel());
        boolean rejected = destination == null;

        List<String> modifiers = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        int limit = deciding < 0 ? rules.length : deciding;
        int shift = 0;
        boolean shifted = false;
        for (int i = 0; i < limit; i++) {
            CompiledRule rule = rules[i];
            if (whyNot[i] != null || rule.kind != RuleAction.Kind.MODIFIER) {
                continue;
            }
            RuleAction a = rule.action;
            String shiftNote = rejected ? ": ignored, the call is rejected"
                    : destination.isTier() ? "" : ": ignored, the destination is the concrete model '"
                    + destination.unshifted().targets().get(0) + "'";
            if (a.escalate() > 0) {
                modifiers.add("escalate " + a.escalate() + " (" + rule.id + ")" + shiftNote);
            }
            if (a.deescalate() > 0) {
                modifiers.add("deescalate " + a.deescalate() + " (" + rule.id + ")" + shiftNote);
            }
            if (a.cap() > 0) {
                modifiers.add("max_tokens_cap " + a.cap() + " (" + rule.id + ")" + (rejected ? ": ignored, the call is rejected" : ""));
                caps.add(a.cap() + " (" + rule.id + ")");
            }
            shift += a.shift();
            shifted |= a.escalate() > 0 || a.deescalate() > 0;
        }
        if (!rejected && shifted && destination.isTier()) {
            modifiers.add(shiftSummary(destination, shift, (RouteDecision) decision));
        }
        if (!rejected && !caps.isEmpty()) {
            int own = destination.unshifted().maxTokensCap();
            if (own > 0) {
                caps.add(own + " (" + decision.rule() + ")");
            }
            if (caps.size() > 1) {
                modifiers.add("max_tokens_cap " + ((RouteDecision) decision).maxTokensCap()
                        + ": the smallest of " + String.join(", ", caps));
            }
        }

        List<RuleTrace> traces = new ArrayList<>(rules.length);
        for (int i = 0; i < rules.length; i++) {
            String status;
            if (deciding >= 0 && i > deciding) {
                status = "after the deciding rule: not applied";
            } else if (whyNot[i] != null) {
                status = "not matched";
            } else if (i == deciding) {
                status = "decided";
            } else {
                status = modifierStatus(rules[i].action, destination);
            }
            traces.add(new RuleTrace(rules[i].id, whyNot[i] == null, whyNot[i] == null ? "matched" : whyNot[i],
                    rules[i].action.describe() + " (" + status + ")"));
        }
        return new Explanation(traces, modifiers, decision);
    }

    /** Whether a matched modifier above the deciding rule took effect. */
    private static String modifierStatus(RuleAction action, Destination destination) {
        if (destination == null) {
            return "not applied: the call is rejected";
        }
        boolean shifts = action.escalate() > 0 || action.deescalate() > 0;
        if (!shifts || destination.isTier()) {
            return "applied";
        }
        String model = "the concrete model '" + destination.unshifted().targets().get(0) + "'";
        return action.cap() > 0 ? "cap applied, shift ignored for " + model : "ignored for " + model;
    }

    private static String shiftSummary(Destination destination, int shift, RouteDecision decision) {
        String from = destination.unshifted().tier();
        String to = decision.tier();
        if (shift == 0) {
            return "net shift 0: stays " + from;
        }
        String text = (shift > 0 ? "net escalate " + shift : "net deescalate " + -shift) + ": " + from + " -> " + to;
        int unclamped = destination.shiftedIndex(0) - shift;
        if (unclamped < 0) {
            text += " (clamped at the first tier)";
        } else if (unclamped != destination.shiftedIndex(shift)) {
            text += " (clamped at the last tier)";
        }
        return text;
    }
}
