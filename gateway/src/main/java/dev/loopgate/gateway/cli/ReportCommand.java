package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.ReportViews;
import dev.loopgate.gateway.audit.ReportWindow;
import dev.loopgate.gateway.audit.SpendReport;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code report}: spend from the audit store, as the reports API gives it, for a terminal or a spreadsheet. */
@Command(name = "report", description = "Print spend from the audit store as a table, CSV or JSON.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gateway.yaml",
            description = "the gateway.yaml naming the audit store (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--from", description = "a UTC date (2026-11-01) or instant; default: 30 days before --to")
    String from;

    @Option(names = "--to", description = "a UTC date (that whole day is included) or instant; default: now")
    String to;

    @Option(names = "--group-by", defaultValue = "loop",
            description = "comma list of loop, run, tier, model, provider, role, rule, key, day, hour (default: ${DEFAULT-VALUE})")
    String groupBy;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE})")
    String format;

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
        SpendReport report;
        try (AuditStore store = AuditStores.open(loaded.audit().url(), "report-cli")) {
            report = store.spend(ReportWindow.spend(from, to, groupBy, Clock.systemUTC()));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("invalid input: " + e.getMessage());
            return LoopgateCli.EXIT_BAD_CONFIG;
        }
        switch (format) {
            case "csv" -> out.print(ReportViews.csv(report));
            case "json" -> out.println(ReportViews.json(report).toPrettyString());
            default -> out.print(ReportViews.table(report));
        }
        out.flush();
        return 0;
    }
}
