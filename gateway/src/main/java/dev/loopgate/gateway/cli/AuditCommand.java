package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.VerifyReport;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit verify}: walks every hash chain of the audit store and names the first row that breaks each. */
@Command(name = "audit", description = "Check the audit store.", subcommands = AuditCommand.Verify.class)
final class AuditCommand {
    /** Exit code when a chain is broken: a row was edited, deleted or reordered. */
    static final int EXIT_TAMPERED = 3;

    @Command(name = "verify", description = "Prove no audit row was edited, deleted or reordered; exit 3 naming the first that was.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gateway.yaml",
                description = "the gateway.yaml naming the audit store (default: ${DEFAULT-VALUE})")
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            GatewayConfig loaded;
            try {
                loaded = ConfigLoader.load(config, new OfflineEnvironment(System.getenv()));
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(config + ": " + e.getMessage());
                return LoopgateCli.EXIT_BAD_CONFIG;
            }
            VerifyReport report;
            try (AuditStore store = AuditStores.open(loaded.audit().url(), "verify-cli")) {
                report = store.verify();
            }
            out.printf("%d rows in %d chains checked%n", report.rowsChecked(), report.chains());
            for (VerifyReport.Break broken : report.breaks()) {
                out.printf("chain %s broken at row id %d (seq %d): %s%n", broken.chainId(), broken.rowId(), broken.seq(),
                        broken.reason());
            }
            out.println(report.intact() ? "intact" : "TAMPERED");
            return report.intact() ? 0 : EXIT_TAMPERED;
        }
    }
}
