package dev.loopgate.rules;

/** Prices a call for the what-if replay; the gateway answers from its model prices. */
@FunctionalInterface
public interface CostModel {
    /** The cost in nano-dollars of a call to {@code modelId} with these token counts. */
    long costNanos(String modelId, long promptTokens, long completionTokens);
}
