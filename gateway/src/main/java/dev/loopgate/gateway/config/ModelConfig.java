package dev.loopgate.gateway.config;

import dev.loopgate.budgets.ModelPrice;

/**
 * A model as loops see it ({@code id}, the key under {@code models:}) and as its
 * provider knows it ({@code upstreamName}), with its prices and output cap.
 */
public record ModelConfig(String id, String provider, String upstreamName, ModelPrice price, int maxOutputTokens) {
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;
}
