package dev.loopgate.gateway.testing;

import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.CallSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every call record the gateway emits, for tests to look up by request id. */
public final class RecordingSink implements CallSink {
    private final List<CallRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void record(CallRecord record) {
        records.add(record);
    }

    /** The record of the call with this request id; streams are recorded after the client's end, so this waits. */
    public CallRecord await(String requestId) {
        return Poll.forValue(Poll.WAIT,
                () -> records.stream().filter(r -> requestId.equals(r.requestId())).findFirst(),
                "the call record of request " + requestId);
    }
}
