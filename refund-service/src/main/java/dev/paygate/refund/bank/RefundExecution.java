package dev.paygate.refund.bank;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.AcquirerRefusedException;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.support.calls.OrderedCalls;
import dev.paygate.support.observability.Traces;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.OutboxRelay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.ContextView;

/**
 * Asks the bank about a pending refund (executes it under the refund's id, or queries it when the bank answered
 * pending before) and records the answer: succeeded, failed (its amount back in the balance), or still pending.
 *
 * <p>The refund is committed {@code pending} before this runs: the bank is never called inside a transaction or
 * with a row locked. Calls run many at once ({@code paygate.acquirer.max-in-flight}); one payment's calls run one
 * after another, in the order they were submitted. Answers are recorded in short transactions of their own, a batch of
 * whatever answers arrived meanwhile at a time, with a statement per table; each is conditional on the refund still
 * being pending, so whichever of two askers records first wins and the other changes nothing (the bank answers a
 * repeated reference with its first outcome). A crash between call and record leaves the refund pending:
 * the janitor asks again with the same reference.
 */
@Component
public class RefundExecution implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RefundExecution.class);

    private final Acquirer bank;
    private final RefundStore refunds;
    private final PaymentMirror payments;
    private final RefundEvents events;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final OrderedCalls calls;
    private final Traces traces;
    private volatile boolean running;
    /** Answers from the bank waiting to be recorded, and whether a batch of them is being recorded now. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Answer> answers =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private static final int RECORD_BATCH = 128;
    /** Answers per recording transaction: its count is the transactions, its total the answers. */
    private volatile io.micrometer.core.instrument.DistributionSummary batchSizes;

    public RefundExecution(
            Acquirer bank,
            RefundStore refunds,
            PaymentMirror payments,
            RefundEvents events,
            Outbox outbox,
            OutboxRelay relay,
            TransactionalOperator tx,
            Clock clock,
            @Value("${paygate.acquirer.max-in-flight:256}") int maxInFlight,
            ObjectProvider<MeterRegistry> meters,
            Traces traces) {
        this.traces = traces;
        this.bank = bank;
        this.refunds = refunds;
        this.payments = payments;
        this.events = events;
        this.outbox = outbox;
        this.relay = relay;
        this.tx = tx;
        this.clock = clock;
        this.calls = new OrderedCalls(maxInFlight);
        meters.ifAvailable(registry -> {
            Gauge.builder("paygate.bank.calls.in.flight", calls, OrderedCalls::inFlight)
                    .description("Refund calls to the bank under way now")
                    .register(registry);
            Gauge.builder("paygate.bank.calls.queued", calls, OrderedCalls::queued)
                    .description("Refund calls to the bank waiting for a free slot or their payment's turn")
                    .register(registry);
            batchSizes = io.micrometer.core.instrument.DistributionSummary.builder("paygate.refunds.outcomes.batch")
                    .description("Bank answers recorded per transaction")
                    .register(registry);
        });
    }

    /**
     * Starts asking the bank about {@code refund} in the background, in {@code context} (the trace of the command
     * that made it). Failures are logged: the refund stays pending and the janitor comes back to it.
     */
    public void start(StoredRefund refund, String maskedNumber, ContextView context) {
        // the trace goes on, nothing else of the context: least of all the committed transaction
        advance(refund, maskedNumber)
                .contextWrite(Traces.parent(traces.traceparent(context)))
                .subscribe(
                        result -> {},
                        e -> log.warn("refund {} stays pending for the janitor: {}", refund.id(), e.toString()));
    }

    /**
     * Asks the bank (in turn: after this payment's earlier calls) and records its answer. Emits the refund as it now
     * is and what was published; empty when another asker recorded an answer first.
     */
    public Mono<Result> advance(StoredRefund refund, String maskedNumber) {
        return calls.submit(
                refund.paymentId(),
                () -> ask(refund, maskedNumber)
                        // an instance shutting down records nothing more: an answer its own closing cut off is no
                        // answer
                        // from the bank, and the next instance's janitor asks again and answers the caller then
                        .filter(outcome -> running)
                        .flatMap(outcome -> recorded(refund, outcome)));
    }

    /** The bank's answer; {@code null} outcome stands for "no answer" (the bank is unavailable). */
    private Mono<RefundOutcome> ask(StoredRefund refund, String maskedNumber) {
        Mono<RefundOutcome> answer = refund.bankReference() == null
                ? bank.refund(new RefundRequest(
                        refund.id(), refund.paymentId(), null, maskedNumber, refund.amount(), refund.currency()))
                : bank.refundStatus(refund.bankReference());
        return answer.onErrorResume(
                        AcquirerUnavailableException.class,
                        e -> Mono.just(new RefundOutcome.Pending(refund.bankReference())))
                // refused as wrong: executed nothing, and asking again would be refused again. A refund the bank
                // refuses has failed (its amount is refundable again); a status query about a refund the bank once
                // accepted is not its outcome, so that one stays pending for an operator (logged by the caller)
                .onErrorResume(
                        AcquirerRefusedException.class,
                        e -> refund.bankReference() == null
                                ? Mono.just(new RefundOutcome.Failed(
                                        null, "The bank refused the refund (" + e.code() + ")."))
                                : Mono.error(e));
    }

    /** An answer waiting to be recorded, with the trace it goes on in and whoever waits for the result. */
    private record Answer(
            StoredRefund refund, StoredRefund next, boolean failed, String traceparent, Sinks.One<Result> done) {}

    /**
     * Queues the answer to be recorded with the others that came meanwhile; emits the result once its batch has
     * committed (empty when another asker recorded first).
     */
    private Mono<Result> recorded(StoredRefund refund, RefundOutcome outcome) {
        return Mono.deferContextual(context -> {
            var now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            StoredRefund next;
            if (outcome instanceof RefundOutcome.Succeeded ok) {
                next = refund.succeeded(ok.reference(), now);
            } else if (outcome instanceof RefundOutcome.Failed failed) {
                next = refund.failed(failed.reference(), failed.reason(), now);
            } else {
                next = refund.stillPending(outcome.reference(), now);
            }
            Sinks.One<Result> done = Sinks.one();
            answers.add(new Answer(
                    refund, next, outcome instanceof RefundOutcome.Failed, traces.traceparent(context), done));
            drain();
            return done.asMono();
        });
    }

    /**
     * Records what is queued, a batch at a time, one batch after another: under load the answers that arrive while a
     * batch is written make the next one, so a refund's outcome, event and reply cost a share of one transaction; when
     * idle a batch is a single answer, recorded at once (no timer, no wait).
     */
    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        List<Answer> batch = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        List<Answer> later = new ArrayList<>();
        Answer next;
        while (batch.size() < RECORD_BATCH && (next = answers.poll()) != null) {
            // one refund once per statement: a second answer about it (the janitor's) waits for the next batch
            (ids.add(next.refund().id()) ? batch : later).add(next);
        }
        answers.addAll(later);
        if (batch.isEmpty()) {
            draining.set(false);
            if (!answers.isEmpty()) {
                drain();
            }
            return;
        }
        if (batchSizes != null) {
            batchSizes.record(batch.size());
        }
        Mono<Map<String, Result>> recording = running ? tx.transactional(recordAll(batch)) : Mono.just(Map.of());
        recording.subscribe(
                results -> {
                    if (!results.isEmpty()) {
                        relay.wakeUp();
                    }
                    batch.forEach(a -> {
                        Result result = results.get(a.refund().id());
                        if (result == null) {
                            a.done().tryEmitEmpty();
                        } else {
                            a.done().tryEmitValue(result);
                        }
                    });
                    finishBatch();
                },
                e -> {
                    batch.forEach(a -> a.done().tryEmitError(e));
                    finishBatch();
                });
    }

    private void finishBatch() {
        draining.set(false);
        if (!answers.isEmpty()) {
            drain();
        }
    }

    /** One batch in its transaction: the refunds still pending, their balances, their events and replies. */
    private Mono<Map<String, Result>> recordAll(List<Answer> batch) {
        return refunds.recordAll(batch.stream().map(Answer::next).toList()).flatMap(recorded -> {
            Map<String, Result> results = new java.util.HashMap<>();
            Map<String, Long> released = new java.util.HashMap<>();
            List<Outbox.Traced> out = new ArrayList<>();
            for (Answer a : batch) {
                java.util.Optional<String> answerTo = recorded.get(a.refund().id());
                if (answerTo == null) {
                    continue; // another asker recorded an answer first
                }
                StoredRefund next = a.next();
                List<OutboxMessage> made = new ArrayList<>(2);
                if (next.version() != a.refund().version()) {
                    made.add(events.updated(next));
                }
                answerTo.ifPresent(commandId -> made.add(OutboxMessage.reply(
                        next.paymentId(),
                        CommandReply.ok(commandId, PaygateJson.wire().valueToTree(next.toResource())))));
                if (a.failed()) {
                    released.merge(next.paymentId(), next.amount(), Long::sum);
                }
                made.forEach(m -> out.add(new Outbox.Traced(m, a.traceparent())));
                results.put(next.id(), new Result(next, made));
            }
            return payments.releaseAll(released).then(outbox.insert(out)).thenReturn(results);
        });
    }

    @Override
    public void start() {
        running = true;
    }

    /** Stopped before anything else (highest phase): from now on no answer is recorded. */
    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /**
     * Blocks the calling consumer (its own thread) while more than a few rounds of calls wait, so a bank slower
     * than the stream holds back the consumer instead of filling memory.
     */
    public void awaitRoom(Duration atMost) {
        try {
            if (!calls.awaitRoom(4 * calls.maxInFlight(), atMost)) {
                log.debug("{} bank calls queued after {}", calls.queued(), atMost);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public record Result(StoredRefund refund, List<OutboxMessage> published) {}
}
