package dev.loopgate.gateway.provider.health;

/** What one call said about its target's health. */
public enum Outcome {
    /** The target answered (a whole answer, or a stream to its end). */
    SUCCESS,
    /** A failure that says the target is unwell (5xx, 429, a timeout, a lost or refused connection). */
    FAILURE,
    /** Says nothing about the target: the caller's own 4xx, a content refusal, the gateway's key refused, the client leaving. */
    IGNORED
}
