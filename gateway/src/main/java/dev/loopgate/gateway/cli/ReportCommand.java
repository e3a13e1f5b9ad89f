package dev.loopgate.gateway.cli;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.ReportViews;
import dev.loopgate.gateway.audit.ReportWindow;
import dev.loopgate.gateway.audit.SpendReport;
import dev.loopgate.gateway.audit.store.AuditStores;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code report}: spend from the audit store, as the reports API gives it, for a terminal or a spreadsheet. */
@Command(name = "report", description = "Print spend from the audit store as a table, CSV or JSON.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    OfflineConfig options;

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
    public Integer call() throws Exception {
        return options.run(() -> {
            SpendReport report;
            try (AuditStore store = AuditStores.open(options.load().audit().url(), "report-cli")) {
                report = store.spend(ReportWindow.spend(from, to, groupBy, Clock.systemUTC()));
            }
            PrintWriter out = options.out();
            switch (format) {
                case "csv" -> out.print(ReportViews.csv(report));
                case "json" -> out.println(ReportViews.json(report).toPrettyString());
                default -> out.print(ReportViews.table(report));
            }
            out.flush();
            return 0;
        });
    }
}
