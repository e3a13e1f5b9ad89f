package dev.loopgate.budgets.ratelimit;

/**
 * Per-minute limits of one loop or one key. Zero means no limit.
 *
 * @param requestsPerMinute calls allowed per minute (RPM); 0 = unlimited
 * @param tokensPerMinute   tokens allowed per minute (TPM); 0 = unlimited
 */
public record RateLimits(long requestsPerMinute, long tokensPerMinute) {
    /** No limit at all. */
    public static final RateLimits NONE = new RateLimits(0, 0);

    public RateLimits {
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requestsPerMinute must be 0 (no limit) or more, was " + requestsPerMinute);
        }
        if (tokensPerMinute < 0) {
            throw new IllegalArgumentException("tokensPerMinute must be 0 (no limit) or more, was " + tokensPerMinute);
        }
    }

    public boolean limitsRequests() {
        return requestsPerMinute > 0;
    }

    public boolean limitsTokens() {
        return tokensPerMinute > 0;
    }
}
