package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.VerifyReport;
import dev.loopgate.gateway.audit.store.AuditStores;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code audit verify}: walks every hash chain of the audit store and names the first row that breaks each. */
@Command(name = "audit", description = "Check the audit store.", subcommands = AuditCommand.Verify.class)
final class AuditCommand {
    /** Exit code when a chain is broken: a row was edited, deleted or reordered. */
    static final int EXIT_TAMPERED = 3;

    @Command(name = "verify", description = "Prove no audit row was edited, deleted or reordered; exit 3 naming the first that was.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        OfflineConfig options;

        @Override
        public Integer call() throws Exception {
            return options.run(() -> {
                VerifyReport report;
                try (AuditStore store = AuditStores.open(options.load().audit().url(), "verify-cli")) {
                    report = store.verify();
                }
                PrintWriter out = options.out();
                out.printf("%d rows in %d chains checked%n", report.rowsChecked(), report.chains());
                for (VerifyReport.Break broken : report.breaks()) {
                    out.printf("chain %s broken at row id %d (seq %d): %s%n", broken.chainId(), broken.rowId(),
                            broken.seq(), broken.reason());
                }
                out.println(report.intact() ? "intact" : "TAMPERED");
                return report.intact() ? 0 : EXIT_TAMPERED;
            });
        }
    }
}
