package dev.loopgate.gateway.audit.store;

class PostgresAuditStoreReportsTest extends AuditStoreReportsContract {
    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
