package dev.loopgate.budgets.ledger.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The ledger's Lua scripts; the loop scripts start with {@code lib_v1.lua}. */
public enum LedgerScript {
    RESERVE("reserve_v1.lua", true),
    SETTLE("settle_v1.lua", true),
    CHARGE("charge_v1.lua", true),
    LOOP("loop_v1.lua", true),
    RESTORE("restore_v1.lua", true),
    KEY("key_v1.lua", false),
    EPOCH("epoch_v1.lua", false);

    private final String file;
    private final String source;

    LedgerScript(String file, boolean withLibrary) {
        this.file = file;
        this.source = withLibrary ? read("lib_v1.lua") + "\n" + read(file) : read(file);
    }

    public String file() {
        return file;
    }

    public String source() {
        return source;
    }

    private static String read(String name) {
        try (InputStream in = LedgerScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + LedgerScript.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
