package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.Reservation;
import dev.loopgate.budgets.ledger.SettleResult;
import dev.loopgate.budgets.ledger.Settlement;
import dev.loopgate.budgets.runs.RunHold;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.budgets.runs.RunSettled;
import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.BreakersConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.BudgetWarnings;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.gateway.guard.Warning;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.gateway.wire.AnthropicUsage;
import dev.loopgate.gateway.wire.OpenAiWire;
import dev.loopgate.gateway.wire.ResponsesUsage;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges the call once it has ended, however it ended: the provider's usage times the
 * serving model's prices, or, when the provider sent no usage (a cut stream, a client
 * that left), the estimated prompt plus the counted output; an Anthropic stream that ended
 * early, after a partial count, is charged at least the output it streamed. The reservation is settled
 * at that amount, in the loop and in its run; a whole answer carries its cost and the loop's spend in headers.
 */
public final class SettleStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(SettleStage.class);
    static final String LOOP_SPEND_HEADER = "x-loopgate-loop-spend-usd";
    static final String BUDGET_REMAINING_HEADER = "x-loopgate-budget-remaining-usd";

    private final BudgetStore store;
    private final TokenEstimator tokens;
    private final BudgetLedger ledger;
    private final RunLedger runs;
    private final BreakersConfig breakers;
    private final LoopNotifier notifier;
    private final Clock clock;

    public SettleStage(TokenEstimator tokens, BudgetStore store, BudgetLedger ledger, RunLedger runs,
            BreakersConfig breakers, LoopNotifier notifier, Clock clock) {
        this.tokens = tokens;
        this.store = store;
        this.ledger = ledger;
        this.runs = runs;
        this.breakers = breakers;
        this.notifier = notifier;
        this.clock = clock;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        return next.proceed(exchange).transform(done -> {
            Reply reply = done.succeeded() ? priced(exchange, done.result()) : null;
            Reservation reservation = exchange.reservation();
            if (reservation == null) {
                return outcome(done, reply);
            }
            long totalTokens = reply == null ? 0 : reply.usage().totalTokens();
            Settlement settlement = new Settlement(exchange.costNanos(), totalTokens, upstreamFailed(done, reply));
            Future<Void> run = settleRun(exchange, settlement);
            return store.call(ledger.settle(reservation, settlement, exchange.loopBudget().limits(),
                    breakers.settings(), clock.millis())).transform(settled -> run.transform(runSettled -> {
                        if (settled.succeeded()) {
                            reported(exchange, reply, settled.result());
                        } else {
                            LOG.warn("request {}: settling failed; the reservation of ${} will expire and be charged"
                                    + " as reserved: {}", exchange.requestId(), Money.format(reservation.reservedNanos()),
                                    settled.cause().getMessage());
                        }
                        return outcome(done, reply);
                    }));
        });
    }

    /** Settles the call's hold in its run, if it has one; a failure leaves the hold to be charged at its expiry. */
    private Future<Void> settleRun(Exchange exchange, Settlement settlement) {
        RunHold hold = exchange.runHold();
        if (hold == null) {
            return Future.succeededFuture();
        }
        long now = clock.millis();
        return store.call(runs.settle(hold.loopId(), hold.runId(), hold.holdId(), settlement.actualNanos(),
                settlement.actualTokens(), hold.limits(), now)).transform(settled -> {
                    if (settled.failed()) {
                        LOG.warn("request {}: settling its run failed; its hold will expire and be charged as held: {}",
                                exchange.requestId(), settled.cause().getMessage());
                        return Future.succeededFuture();
                    }
                    RunSettled run = settled.result();
                    if (run.trip() != null) {
                        notifier.runPaused(run.trip(), LoopNotifier.BREAKER_ACTOR);
                    }
                    long cap = hold.limits().usdNanos();
                    for (double fraction : BudgetWarnings.crossed(breakers.warnAt(), cap, run.spentNanos(),
                            settlement.actualNanos())) {
                        notifier.warned(new Warning(hold.loopId(), hold.runId(), Warning.Cap.USD, fraction,
                                run.spentNanos(), cap, now));
                    }
                    return Future.succeededFuture();
                });
    }

    /** The reply with the usage it is charged for, its cost set on the exchange. */
    private Reply priced(Exchange exchange, Reply reply) {
        if (reply.servedBy() == null) {
            return reply;
        }
        Reply charged = reply;
        if (reply instanceof Reply.Streamed streamed && streamed.end() != Reply.StreamEnd.COMPLETED
                && reply.usage() != Usage.NONE && exchange.endpoint().dialect() == Dialect.ANTHROPIC) {
            // Anthropic counts output as it goes (message_start, then message_delta): a stream that
            // ended early may have sent the client more than its last count, and one translated from
            // chat completions has no prompt count before its end
            Usage partial = reply.usage();
            long streamedTokens = Math.max(partial.completionTokens(), tokens.text(streamed.text().toString()));
            long promptTokens = partial.promptTokens() > 0 ? partial.promptTokens() : exchange.promptTokenEstimate();
            if (streamedTokens != partial.completionTokens() || promptTokens != partial.promptTokens()) {
                charged = new Reply.Streamed(streamed.end(), new Usage(promptTokens, streamedTokens,
                        partial.cachedPromptTokens(), partial.cacheWriteTokens()), streamed.servedBy(), streamed.text());
            }
        } else if (reply.usage() == Usage.NONE) {
            if (reply instanceof Reply.Streamed streamed) {
                charged = new Reply.Streamed(streamed.end(), counted(exchange, streamed.text()), streamed.servedBy(),
                        streamed.text());
            } else if (reply instanceof Reply.Complete complete && complete.status() / 100 == 2) {
                CharSequence generated = switch (exchange.endpoint().dialect()) {
                    case ANTHROPIC -> AnthropicUsage.generatedText(complete.body());
                    case RESPONSES -> ResponsesUsage.generatedText(complete.body());
                    case OPENAI -> generatedText(complete.body());
                };
                charged = new Reply.Complete(complete.status(), complete.contentType(), complete.body(),
                        counted(exchange, generated), complete.servedBy());
            }
        }
        long cost = charged.servedBy().price().costNanos(charged.usage());
        exchange.costNanos(cost);
        if (charged instanceof Reply.Complete) {
            exchange.responseHeaders().set(ResponseHeaders.COST_USD, Money.format(cost));
        }
        return charged;
    }

    private Usage counted(Exchange exchange, CharSequence text) {
        return new Usage(exchange.promptTokenEstimate(), tokens.text(text.toString()), 0);
    }

    private static CharSequence generatedText(Buffer body) {
        StringBuilder text = new StringBuilder();
        try {
            byte[] bytes = body.getBytes();
            OpenAiWire.appendGeneratedText(bytes, 0, bytes.length, text);
        } catch (IOException | RuntimeException malformed) {
            // counted as far as it could be read
        }
        return text;
    }

    private void reported(Exchange exchange, Reply reply, SettleResult settled) {
        if (settled.trip() != null) {
            notifier.paused(settled.trip(), LoopNotifier.BREAKER_ACTOR);
        }
        long cap = exchange.loopBudget().limits().usdNanos();
        for (double fraction : BudgetWarnings.crossed(breakers.warnAt(), cap, settled.spentNanos(), exchange.costNanos())) {
            notifier.warned(new Warning(exchange.loop().loopId(), null, Warning.Cap.USD, fraction, settled.spentNanos(),
                    cap, clock.millis()));
        }
        if (reply instanceof Reply.Complete) {
            exchange.responseHeaders().set(LOOP_SPEND_HEADER, Money.format(settled.spentNanos()));
            long budget = exchange.loopBudget().limits().usdNanos();
            if (budget > 0) {
                exchange.responseHeaders().set(BUDGET_REMAINING_HEADER, Money.format(Math.max(0, budget - settled.spentNanos())));
            }
        }
    }

    private static boolean upstreamFailed(AsyncResult<Reply> done, Reply reply) {
        if (done.failed()) {
            return done.cause() instanceof GatewayException e && (e.code() == ErrorCode.UPSTREAM_ERROR
                    || e.code() == ErrorCode.ALL_TARGETS_FAILED || e.code() == ErrorCode.UPSTREAM_TIMEOUT);
        }
        return reply instanceof Reply.Streamed streamed && streamed.end() == Reply.StreamEnd.UPSTREAM_FAILED;
    }

    private static Future<Reply> outcome(AsyncResult<Reply> done, Reply reply) {
        return done.succeeded() ? Future.succeededFuture(reply) : Future.failedFuture(done.cause());
    }
}
