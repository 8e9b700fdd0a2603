package dev.paygate.refund;

import dev.paygate.refund.bank.RefundExecution;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.support.PeriodicJob;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxRelay;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Re-asks the bank about refunds left {@code pending} longer than the pending age, so none stays pending for
 * ever (and executes those the bank never answered). Rows are locked with {@code SKIP LOCKED}: several instances
 * share the work without touching one refund twice.
 */
@Component
public class RefundJanitor extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(RefundJanitor.class);
    private static final int BATCH = 100;

    private final RefundStore refunds;
    private final PaymentMirror payments;
    private final RefundExecution execution;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final Duration pendingAge;

    public RefundJanitor(RefundStore refunds, PaymentMirror payments, RefundExecution execution, Outbox outbox,
                         OutboxRelay relay, TransactionalOperator tx, Clock clock,
                         @Value("${paygate.refunds.pending-age:1m}") Duration pendingAge,
                         @Value("${paygate.refunds.janitor-interval:5s}") Duration interval) {
        super("refund janitor", interval);
        this.refunds = refunds;
        this.payments = payments;
        this.execution = execution;
        this.outbox = outbox;
        this.relay = relay;
        this.tx = tx;
        this.clock = clock;
        this.pendingAge = pendingAge;
    }

    @Override
    protected Mono<Integer> runOnce() {
        return sweep();
    }

    /**
     * Up to a batch of due refunds, each in a transaction of its own: one slow bank answer holds one refund's
     * locks for at most the bank timeout, and a refund that fails is moved to the back, so it can't stop the
     * others. Emits how many refunds were looked at.
     */
    public Mono<Integer> sweep() {
        return Flux.range(0, BATCH)
                .concatMap(i -> sweepOne(), 1)
                .takeWhile(found -> found)
                .count()
                .map(Long::intValue)
                .doOnNext(n -> {
                    if (n > 0) {
                        relay.wakeUp();
                    }
                });
    }

    private Mono<Boolean> sweepOne() {
        java.util.concurrent.atomic.AtomicReference<dev.paygate.refund.domain.StoredRefund> current =
                new java.util.concurrent.atomic.AtomicReference<>();
        Mono<Boolean> one = refunds.lockPendingSince(clock.instant().minus(pendingAge), 1)
                .flatMap(due -> {
                    if (due.isEmpty()) {
                        return Mono.just(false);
                    }
                    var refund = due.get(0);
                    current.set(refund);
                    return payments.find(refund.paymentId(), refund.merchantId())
                            .flatMap(payment -> execution.advance(refund, payment.maskedNumber()))
                            .flatMap(result -> outbox.append(result.events()))
                            .thenReturn(true);
                });
        return tx.transactional(one).onErrorResume(e -> {
            var failed = current.get();
            if (failed == null) {
                return Mono.error(e);
            }
            log.warn("janitor could not settle refund {}, will retry: {}", failed.id(), e.toString());
            return refunds.touch(failed.stillPending(failed.bankReference(), clock.instant())).thenReturn(true);
        });
    }
}
