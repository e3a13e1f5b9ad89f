package dev.loopgate.gateway.rules.store;

import io.vertx.core.Context;
import java.time.Clock;

class InMemoryRulesStoreTest extends RulesStoreContract {
    @Override
    protected RulesStore newStore(Context context, Clock clock) {
        return new InMemoryRulesStore(context, clock);
    }
}
