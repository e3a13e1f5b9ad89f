package dev.loopgate.gateway.call;

/**
 * Receives every finished call. Called on the event loop, so an implementation must
 * only hand the record off (to a queue, a counter), never block.
 */
@FunctionalInterface
public interface CallSink {
    CallSink NONE = record -> { };

    void record(CallRecord record);
}
