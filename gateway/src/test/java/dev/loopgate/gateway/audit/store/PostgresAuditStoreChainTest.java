package dev.loopgate.gateway.audit.store;

import static dev.loopgate.gateway.audit.store.Calls.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.audit.AuditStore;
import org.junit.jupiter.api.Test;

class PostgresAuditStoreChainTest extends AuditStoreChainContract {
    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }

    @Test
    void writerReconnectsAfterItsConnectionIsKilled() {
        AuditStore store = open("a");
        store.append(calls(2, T0, 1));
        assertEquals(1, queryLong("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND application_name = 'loopgate-audit-writer'"));
        assertThrows(AuditStoreException.class, () -> store.append(calls(2, T0 + 10, 1)));
        store.append(calls(2, T0 + 10, 1));
        assertEquals(4, store.count());
        assertTrue(store.verify().intact());
    }
}
