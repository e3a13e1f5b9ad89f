package dev.loopgate.gateway.audit.store;

/** A real database the audit store contract runs on: hands out empty databases, cleans up after. */
interface TestDatabase extends AutoCloseable {

    /** A JDBC URL naming a new, empty database (or schema) for one test. */
    String freshUrl();

    /** Drops everything this fixture made. */
    @Override
    void close();
}
