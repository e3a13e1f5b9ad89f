package dev.loopgate.rules;

/**
 * What rules may look at about one call. Implementations answer from data they already
 * hold, without allocating: the gateway reads them off the call in flight, the what-if
 * replay off recorded calls.
 */
public interface RequestFacts {
    /** Returned by the numeric facts that were not given, e.g. {@code max_tokens} not set. */
    long ABSENT = -1;

    String loopId();

    /** Null when not sent. */
    String run();

    /** Null when not sent. */
    String role();

    /** The loop's step, or {@link #ABSENT}. */
    long step();

    /** The request's {@code model} field: {@code auto}, a tier, or a model id. */
    String requestedModel();

    /** The gateway's estimate of the prompt's tokens. */
    long promptTokens();

    /** {@code max_tokens} (or {@code max_completion_tokens}), or {@link #ABSENT}. */
    long maxTokens();

    boolean hasTools();

    boolean hasImages();

    /** {@code response_format} asks for JSON (object or schema). */
    boolean jsonMode();

    boolean stream();

    /** A request header's value (name case-insensitive), or null. */
    String header(String name);

    /** A {@code metadata} value from the body, or null. */
    String metadata(String key);

    /** Fraction of the loop's budget already spent, 0..1 (and above when over). */
    double budgetUsed();

    /** How often this loop sent the same request lately. */
    long repeatCount();

    /** The hour of the call in UTC, 0..23. */
    int utcHour();
}
