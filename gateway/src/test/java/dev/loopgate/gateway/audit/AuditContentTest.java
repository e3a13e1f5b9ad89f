package dev.loopgate.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.Poll;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit rows never hold a key; they hold the prompt only when the operator says so, and only so much of it. */
class AuditContentTest {
    static final String SECRET_PROMPT = "The launch code is 0000 and the plan is long enough to be cut";

    @TempDir
    Path dir;

    @Test
    void promptsAreNotStoredByDefault() throws Exception {
        List<String> rows = rowsAfterOneCall(null);

        assertEquals(1, rows.size());
        assertNull(rows.get(0));
    }

    @Test
    void promptsAreStoredCutToTheConfiguredSizeWhenAsked() throws Exception {
        List<String> rows = rowsAfterOneCall("store_content: true, content_chars: 40");

        String content = rows.get(0);
        assertEquals(40, content.length());
        assertEquals("[{\"role\":\"user\",\"content\":\"The launch co", content, "the messages as JSON, cut");
    }

    /** The content column of every row, and a check that no key reached any column. */
    private List<String> rowsAfterOneCall(String auditOptions) throws Exception {
        Path db = dir.resolve("audit.db");
        String audit = "audit: { url: \"jdbc:sqlite:" + db + "\", spool_dir: \"" + dir.resolve("spool") + "\""
                + (auditOptions == null ? "" : ", " + auditOptions) + " }\n";
        try (GatewayHarness gateway = GatewayHarness.started(GatewayHarness.STANDARD + audit, "primary")) {
            assertEquals(200, gateway.post("/v1/chat/completions",
                    "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + SECRET_PROMPT + "\"}]}")
                    .send().status());
            assertTrue(Poll.until(Poll.WAIT, () -> count(db) == 1), "the call's row");
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT * FROM audit_log")) {
                List<String> contents = new ArrayList<>();
                while (rows.next()) {
                    for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                        String value = rows.getString(column);
                        assertFalse(value != null && value.contains(GatewayHarness.LOOP_KEY),
                                "a key reached column " + rows.getMetaData().getColumnName(column));
                    }
                    contents.add(rows.getString("content"));
                }
                return contents;
            }
        }
    }

    private static long count(Path db) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM audit_log")) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException notYetCreated) {
            return 0;
        }
    }
}
