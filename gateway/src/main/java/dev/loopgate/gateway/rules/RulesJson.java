package dev.loopgate.gateway.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.gateway.rules.store.RulesVersion;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.Decision;
import dev.loopgate.rules.Explanation;
import dev.loopgate.rules.RejectDecision;
import dev.loopgate.rules.RouteDecision;
import dev.loopgate.rules.RuleTrace;
import dev.loopgate.rules.SimulationReport;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How rules versions, explanations and simulations look in the admin API and the CLI's {@code --json}. */
public final class RulesJson {
    private RulesJson() {
    }

    /** A version with its rules. */
    public static ObjectNode version(RulesVersion version) {
        ObjectNode node = summary(version, false);
        node.set("rules", parse(version.document()));
        return node;
    }

    /** A version without its rules, as listed; {@code current} marks the one routing calls. */
    public static ObjectNode summary(RulesVersion version, boolean current) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("version", version.version())
                .put("author", version.author())
                .put("created_at", version.createdAt().toString())
                .put("comment", version.comment());
        if (current) {
            node.put("current", true);
        }
        return node;
    }

    public static ObjectNode explanation(long version, Explanation explanation) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("version", version);
        node.set("decision", decision(explanation.decision()));
        ArrayNode modifiers = node.putArray("modifiers");
        explanation.modifiers().forEach(modifiers::add);
        ArrayNode rules = node.putArray("rules");
        for (RuleTrace trace : explanation.rules()) {
            rules.addObject()
                    .put("id", trace.id())
                    .put("matched", trace.matched())
                    .put("detail", trace.detail())
                    .put("action", trace.action());
        }
        return node;
    }

    public static ObjectNode decision(Decision decision) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (decision instanceof RejectDecision reject) {
            return node.put("action", "reject").put("rule", reject.rule()).put("message", reject.message());
        }
        RouteDecision route = (RouteDecision) decision;
        node.put("action", "route").put("rule", route.rule()).put("tier", route.tier());
        ArrayNode targets = node.putArray("targets");
        route.targets().forEach(targets::add);
        if (route.maxTokensCap() != RouteDecision.NO_CAP) {
            node.put("max_tokens_cap", route.maxTokensCap());
        }
        return node;
    }

    /** Before and after, with money as USD decimal strings so no float rounding creeps in. */
    public static ObjectNode simulation(long beforeVersion, SimulationReport report) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("calls", report.before().calls());
        node.set("before", side(report.before()).put("version", beforeVersion));
        node.set("after", side(report.after()));
        node.put("delta_usd", Money.format(report.after().costNanos() - report.before().costNanos()));
        ArrayNode loops = node.putArray("loops");
        for (SimulationReport.LoopDelta loop : report.loops()) {
            loops.addObject()
                    .put("loop_id", loop.loopId())
                    .put("before_usd", Money.format(loop.beforeNanos()))
                    .put("after_usd", Money.format(loop.afterNanos()))
                    .put("delta_usd", Money.format(loop.afterNanos() - loop.beforeNanos()));
        }
        return node;
    }

    private static ObjectNode side(SimulationReport.Side side) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("cost_usd", Money.format(side.costNanos()))
                .put("rejected", side.rejected());
        ObjectNode tiers = node.putObject("tiers");
        side.tiers().forEach((tier, totals) -> tiers.putObject(tier)
                .put("calls", totals.calls())
                .put("cost_usd", Money.format(totals.costNanos())));
        return node;
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
