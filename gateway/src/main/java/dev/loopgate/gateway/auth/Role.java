package dev.loopgate.gateway.auth;

/** What a key may do: loops call models, finance reads reports, admins run the gateway. */
public enum Role {
    LOOP("loop"),
    FINANCE("finance"),
    ADMIN("admin");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a key of this role may call models (admins may, to try things out). */
    public boolean callsModels() {
        return this != FINANCE;
    }
}
