package dev.loopgate.rules.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.rules.internal.NumericCondition.Op;

/**
 * Reads a comparison written for a numeric fact: {@code "<5"}, {@code "<=5"}, {@code ">5"},
 * {@code ">=0.8"}, {@code "==3"}, a bare number (meaning {@code ==}), or an inclusive range
 * {@code "2..5"} (for the hour also a wrapping one, {@code "22..6"}).
 */
final class ComparisonParser {
    private static final String[] OPERATORS = {"<=", ">=", "==", "<", ">"};
    private static final Op[] OPS = {Op.LE, Op.GE, Op.EQ, Op.LT, Op.GT};

    private final Problems problems;

    ComparisonParser(Problems problems) {
        this.problems = problems;
    }

    /** The compiled comparison, or null after reporting why it cannot be one. */
    NumericCondition parse(NumericFact fact, JsonNode node, String path) {
        if (node.isNumber()) {
            double value = node.doubleValue();
            return operandOk(fact, value, node, path) ? new NumericCondition(fact, Op.EQ, value, value) : null;
        }
        if (!node.isTextual()) {
            return malformed(fact, node, path);
        }
        String text = node.textValue().trim();
        int dots = text.indexOf("..");
        if (dots >= 0) {
            return range(fact, node, path, text.substring(0, dots).trim(), text.substring(dots + 2).trim());
        }
        Op op = Op.EQ;
        String operand = text;
        for (int i = 0; i < OPERATORS.length; i++) {
            if (text.startsWith(OPERATORS[i])) {
                op = OPS[i];
                operand = text.substring(OPERATORS[i].length()).trim();
                break;
            }
        }
        double value = Numbers.parseDecimal(operand);
        if (Double.isNaN(value)) {
            return malformed(fact, node, path);
        }
        return operandOk(fact, value, node, path) ? new NumericCondition(fact, op, value, value) : null;
    }

    private NumericCondition range(NumericFact fact, JsonNode node, String path, String lowText, String highText) {
        double low = Numbers.parseDecimal(lowText);
        double high = Numbers.parseDecimal(highText);
        if (Double.isNaN(low) || Double.isNaN(high)) {
            return malformed(fact, node, path);
        }
        if (!operandOk(fact, low, node, path) || !operandOk(fact, high, node, path)) {
            return null;
        }
        if (low <= high) {
            return new NumericCondition(fact, Op.RANGE, low, high);
        }
        if (fact.wraps()) {
            return new NumericCondition(fact, Op.WRAPPING_RANGE, low, high);
        }
        problems.add(path, "empty range " + Problems.shown(node) + " (write the low end first)");
        return null;
    }

    private boolean operandOk(NumericFact fact, double value, JsonNode node, String path) {
        if (fact.whole && !Numbers.isWhole(value)) {
            problems.add(path, "expected a whole number, got " + Problems.shown(node));
            return false;
        }
        if (value < 0) {
            problems.add(path, "must not be negative, got " + Problems.shown(node));
            return false;
        }
        if (value > fact.max) {
            problems.add(path, "expected " + fact.key + " 0.." + Numbers.format(fact.max) + ", got " + Problems.shown(node));
            return false;
        }
        return true;
    }

    private NumericCondition malformed(NumericFact fact, JsonNode node, String path) {
        problems.add(path, "expected a comparison like \"" + fact.example + "\", got " + Problems.shown(node));
        return null;
    }
}
