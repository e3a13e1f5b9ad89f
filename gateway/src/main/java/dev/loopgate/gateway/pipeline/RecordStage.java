package dev.loopgate.gateway.pipeline;

import io.vertx.core.Future;

/** First in the chain, so every call is recorded however it ends, rejections included. */
public final class RecordStage implements Stage {
    private final CallSink sink;
    private final int contentLimit;

    /**
     * @param contentLimit how many characters of the prompt to keep in the record; 0 keeps none
     */
    public RecordStage(CallSink sink, int contentLimit) {
        this.sink = sink;
        this.contentLimit = contentLimit;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        return next.proceed(exchange).andThen(done ->
                sink.record(CallRecord.of(exchange, done.result(), done.cause(), System.nanoTime(), contentLimit)));
    }
}
