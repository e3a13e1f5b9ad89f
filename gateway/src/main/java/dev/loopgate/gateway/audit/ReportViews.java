package dev.loopgate.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.gateway.audit.SpendQuery.Dimension;
import dev.loopgate.gateway.wire.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How reports look to finance, the same through the API and the CLI: JSON, CSV and a text table. */
public final class ReportViews {
    static final List<String> MEASURES =
            List.of("calls", "errors", "prompt_tokens", "completion_tokens", "cached_tokens", "cost_usd");

    private ReportViews() {
    }

    public static ObjectNode json(SpendReport report) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("from", Instant.ofEpochMilli(report.query().fromMillis()).toString())
                .put("to", Instant.ofEpochMilli(report.query().toMillis()).toString());
        if (report.query().loopId() != null) {
            node.put("loop", report.query().loopId());
        }
        ArrayNode groupBy = node.putArray("group_by");
        report.query().groupBy().forEach(d -> groupBy.add(name(d)));
        ArrayNode rows = node.putArray("rows");
        report.rows().forEach(row -> rows.add(row(row)));
        node.set("totals", measures(report.totals()));
        return node;
    }

    public static ObjectNode json(LoopReport report, long fromMillis, long toMillis) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("loop_id", report.loopId())
                .put("from", Instant.ofEpochMilli(fromMillis).toString())
                .put("to", Instant.ofEpochMilli(toMillis).toString());
        node.set("totals", measures(report.totals()));
        node.set("tiers", rows(report.tiers()));
        node.set("runs", rows(report.runs()));
        node.set("days", rows(report.days()));
        node.set("top_rules", rows(report.topRules()));
        ArrayNode events = node.putArray("events");
        for (LoopReport.Event event : report.events()) {
            ObjectNode entry = events.addObject()
                    .put("at", Instant.ofEpochMilli(event.atMillis()).toString())
                    .put("action", event.action())
                    .put("actor", event.actor());
            entry.set("detail", detail(event.detail()));
        }
        return node;
    }

    public static String csv(SpendReport report) {
        List<String> header = new ArrayList<>();
        report.query().groupBy().forEach(d -> header.add(name(d)));
        header.addAll(MEASURES);
        Csv csv = new Csv().row(header);
        for (SpendReport.Row row : report.rows()) {
            List<String> fields = new ArrayList<>();
            report.query().groupBy().forEach(d -> fields.add(row.group().get(d)));
            fields.addAll(values(row));
            csv.row(fields);
        }
        return csv.toString();
    }

    /** A fixed-width table for a terminal. */
    public static String table(SpendReport report) {
        List<String> header = new ArrayList<>();
        report.query().groupBy().forEach(d -> header.add(name(d)));
        header.addAll(MEASURES);
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (SpendReport.Row row : report.rows()) {
            List<String> fields = new ArrayList<>();
            report.query().groupBy().forEach(d -> fields.add(row.group().get(d) == null ? "-" : row.group().get(d)));
            fields.addAll(values(row));
            lines.add(fields);
        }
        List<String> totals = new ArrayList<>();
        report.query().groupBy().forEach(d -> totals.add(totals.isEmpty() ? "total" : ""));
        totals.addAll(values(report.totals()));
        lines.add(totals);
        int[] widths = new int[header.size()];
        lines.forEach(line -> {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                boolean numeric = i >= report.query().groupBy().size();
                String cell = line.get(i);
                out.append(numeric ? " ".repeat(widths[i] - cell.length()) + cell
                        : cell + " ".repeat(widths[i] - cell.length()));
                out.append(i + 1 < line.size() ? "  " : System.lineSeparator());
            }
        }
        return out.toString();
    }

    public static String name(Dimension dimension) {
        return dimension.name().toLowerCase(Locale.ROOT);
    }

    private static ArrayNode rows(List<SpendReport.Row> rows) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        rows.forEach(row -> array.add(row(row)));
        return array;
    }

    private static ObjectNode row(SpendReport.Row row) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        row.group().forEach((dimension, value) -> node.put(name(dimension), value));
        node.setAll(measures(row));
        return node;
    }

    private static ObjectNode measures(SpendReport.Row row) {
        return Json.MAPPER.createObjectNode()
                .put("calls", row.calls())
                .put("errors", row.errors())
                .put("prompt_tokens", row.promptTokens())
                .put("completion_tokens", row.completionTokens())
                .put("cached_tokens", row.cachedTokens())
                .put("cost_usd", Money.format(row.costNanos()));
    }

    private static List<String> values(SpendReport.Row row) {
        return List.of(Long.toString(row.calls()), Long.toString(row.errors()), Long.toString(row.promptTokens()),
                Long.toString(row.completionTokens()), Long.toString(row.cachedTokens()), Money.format(row.costNanos()));
    }

    private static JsonNode detail(String detail) {
        if (detail == null) {
            return Json.MAPPER.nullNode();
        }
        try {
            return Json.MAPPER.readTree(detail);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(detail);
        }
    }
}
