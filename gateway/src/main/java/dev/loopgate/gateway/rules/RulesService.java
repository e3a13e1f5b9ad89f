package dev.loopgate.gateway.rules;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditLog;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.rules.store.RulesStore;
import dev.loopgate.gateway.rules.store.RulesVersion;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.RulesException;
import dev.loopgate.rules.TierTable;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing rules as admins change them: every change is validated against this
 * gateway's tiers and models, stored as a new immutable version, and applied here and
 * (through the store) on every other replica. The first replica to start seeds the
 * store with the rules from {@code gateway.yaml}; later ones load what is current.
 */
public final class RulesService {
    private static final Logger LOG = LoggerFactory.getLogger(RulesService.class);
    static final String CONFIG_AUTHOR = "gateway.yaml";

    private final RulesStore store;
    private volatile TierTable tiers;
    private final ActiveRules active;
    private final AuditLog audit;
    private final Clock clock;

    private RulesService(RulesStore store, TierTable tiers, ActiveRules active, AuditLog audit, Clock clock) {
        this.store = store;
        this.tiers = tiers;
        this.active = active;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Loads the current version (seeding the store with {@code configured} when it is
     * empty) and follows every later one. Fails when the stored rules do not fit this
     * gateway's tiers and models: routing by other rules than the rest of the cluster
     * would be worse than not starting. When the store cannot be reached (Redis down at
     * start), routes by {@code configured} as version 0 until the store answers with its own.
     */
    public static Future<RulesService> start(RulesStore store, TierTable tiers, RuleSet configured, AuditLog audit,
            Clock clock) {
        return store.publishIfEmpty(configured.document().toString(), CONFIG_AUTHOR, "rules from the configuration file")
                .map(current -> new ActiveRules.Version(current.version(), compile(current, tiers)))
                .recover(failure -> {
                    if (failure instanceof RulesException) {
                        return Future.failedFuture(failure);
                    }
                    LOG.warn("the rules store cannot be reached ({}); routing by the configured rules until it answers",
                            failure.getMessage());
                    return Future.succeededFuture(new ActiveRules.Version(0, configured));
                })
                .map(version -> {
                    RulesService service = new RulesService(store, tiers, new ActiveRules(version), audit, clock);
                    store.onChange(service::onPublished);
                    LOG.info("routing by rules version {} ({} rules)", version.number(), version.rules().size());
                    return service;
                });
    }

    public ActiveRules active() {
        return active;
    }

    public TierTable tiers() {
        return tiers;
    }

    /** Throws {@link RulesException} when the rules in use would not fit {@code next} tiers and models. */
    public void checkTiers(TierTable next) {
        RuleSet.compile(active.current().rules().document(), next);
    }

    /**
     * Routes by the same rules version, compiled against {@code next} tiers and models (a config
     * reload); check it with {@link #checkTiers} first.
     */
    public synchronized void retier(TierTable next) {
        ActiveRules.Version current = active.current();
        tiers = next;
        // a version published meanwhile was compiled against the old tiers: it is compiled again too
        while (!active.recompiled(current, new ActiveRules.Version(current.number(),
                RuleSet.compile(current.rules().document(), next)))) {
            current = active.current();
        }
    }

    /** Checks rules text (YAML or JSON) against this gateway's tiers and models. */
    public RuleSet validate(String text) {
        return RuleSet.parse(text, tiers);
    }

    /** Validates, stores and applies new rules; fails with {@link RulesException} when they are invalid. */
    public Future<RulesVersion> put(String text, String author, String comment) {
        RuleSet rules;
        try {
            rules = validate(text);
        } catch (RulesException e) {
            return Future.failedFuture(e);
        }
        return publish(rules, author, comment);
    }

    /** Publishes an earlier version's rules again, as a new version. */
    public Future<RulesVersion> rollback(long version, String author, String comment) {
        return store.version(version).compose(old -> {
            if (old == null) {
                return Future.failedFuture(new GatewayException(ErrorCode.NOT_FOUND,
                        "There is no rules version " + version + "."));
            }
            String why = "rollback to version " + version + (comment == null || comment.isBlank() ? "" : ": " + comment);
            return publish(compile(old, tiers), author, why);
        });
    }

    public Future<RulesVersion> current() {
        return store.current();
    }

    public Future<RulesVersion> version(long version) {
        return store.version(version);
    }

    public Future<List<RulesVersion>> versions() {
        return store.versions();
    }

    private Future<RulesVersion> publish(RuleSet rules, String author, String comment) {
        return store.publish(rules.document().toString(), author, comment).onSuccess(published -> {
            LOG.info("rules version {} published by {} ({} rules){}", published.version(), author, rules.size(),
                    comment == null || comment.isBlank() ? "" : ": " + comment);
            active.apply(new ActiveRules.Version(published.version(), rules));
            audit.append(AuditEntry.admin(clock.millis(), "rules.put", author, null, Json.MAPPER.createObjectNode()
                    .put("version", published.version()).put("comment", comment).put("rules", rules.size()).toString()));
        });
    }

    private void onPublished(RulesVersion version) {
        try {
            if (active.apply(new ActiveRules.Version(version.version(), compile(version, tiers)))) {
                LOG.info("applied rules version {} by {}", version.version(), version.author());
            }
        } catch (RulesException e) {
            LOG.error("rules version {} does not fit this gateway's tiers and models; still routing by version {}: {}",
                    version.version(), active.current().number(), e.getMessage());
        }
    }

    private static RuleSet compile(RulesVersion version, TierTable tiers) {
        try {
            return RuleSet.compile(Json.MAPPER.readTree(version.document()), tiers);
        } catch (IOException e) {
            throw new UncheckedIOException("rules version " + version.version() + " is not JSON", e);
        }
    }
}
