package dev.loopgate.rules.internal;

/**
 * What a rule does when it matches, as validated: go to a tier or a model (a destination, which
 * ends evaluation), shift and cap whatever destination is chosen (a modifier), or refuse the call.
 *
 * @param cap the {@code max_tokens_cap}, or 0 for none
 */
record RuleAction(Kind kind, String tier, String model, int escalate, int deescalate, int cap, String message) {
    enum Kind { DESTINATION, MODIFIER, REJECT }

    static RuleAction toTier(String tier, int cap) {
        return new RuleAction(Kind.DESTINATION, tier, null, 0, 0, cap, null);
    }

    static RuleAction toModel(String model, int cap) {
        return new RuleAction(Kind.DESTINATION, null, model, 0, 0, cap, null);
    }

    static RuleAction modifier(int escalate, int deescalate, int cap) {
        return new RuleAction(Kind.MODIFIER, null, null, escalate, deescalate, cap, null);
    }

    static RuleAction reject(String message) {
        return new RuleAction(Kind.REJECT, null, null, 0, 0, 0, message);
    }

    /** Tiers toward the first (most capable) one: escalations minus de-escalations. */
    int shift() {
        return escalate - deescalate;
    }

    /** E.g. {@code route frontier}, {@code route model big, max_tokens_cap 500}, {@code escalate 1}, {@code reject}. */
    String describe() {
        return switch (kind) {
            case DESTINATION -> "route " + (tier != null ? tier : "model " + model) + capText(", ");
            case MODIFIER -> {
                StringBuilder sb = new StringBuilder();
                if (escalate > 0) {
                    sb.append("escalate ").append(escalate);
                }
                if (deescalate > 0) {
                    sb.append(sb.length() > 0 ? ", " : "").append("deescalate ").append(deescalate);
                }
                sb.append(capText(sb.length() > 0 ? ", " : ""));
                yield sb.toString();
            }
            case REJECT -> "reject";
        };
    }

    private String capText(String separator) {
        return cap > 0 ? separator + "max_tokens_cap " + cap : "";
    }
}
