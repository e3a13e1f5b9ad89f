package dev.loopgate.gateway.audit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Columns added after the first schema keep the hashes of the rows written before them. */
class RowHashTest {
    @Test
    void aRowWithoutTheAddedDialectHashesAsItDidBeforeTheColumnExisted() {
        List<Object> now = AuditColumns.values(Calls.call(Calls.T0).dialect(null).build());
        List<Object> before = now.subList(0, now.size() - 1);
        assertEquals(RowHash.of("chain", 7, before, RowHash.GENESIS), RowHash.of("chain", 7, now, RowHash.GENESIS));

        List<Object> withDialect = AuditColumns.values(Calls.call(Calls.T0).dialect("anthropic").build());
        assertNotEquals(RowHash.of("chain", 7, now, RowHash.GENESIS),
                RowHash.of("chain", 7, withDialect, RowHash.GENESIS), "a set dialect is part of the hash");
    }
}
