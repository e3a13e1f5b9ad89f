package dev.loopgate.gateway.audit.store;

class SqliteAuditStoreReportsTest extends AuditStoreReportsContract {
    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase();
    }
}
