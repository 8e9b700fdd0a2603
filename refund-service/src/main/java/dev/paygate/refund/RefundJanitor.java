package dev.paygate.refund;

import dev.paygate.refund.bank.RefundExecution;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.support.PeriodicJob;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Re-asks the bank about refunds left {@code pending} longer than the pending age, so none stays pending for
 * ever: those the bank answered pending, those it never answered, and those whose answer was lost when an instance
 * died between calling the bank and recording the answer (asked again under the same reference, the bank answers
 * with its first outcome and executes nothing twice). Refunds are claimed in one short statement that skips rows
 * another instance holds; the bank is asked afterwards, outside any transaction, through the same bounded, per-payment
 * ordered calls as new refunds.
 */
@Component
class RefundJanitor extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(RefundJanitor.class);
    private static final int BATCH = 500;

    private final RefundStore refunds;
    private final RefundExecution execution;
    private final Clock clock;
    private final Duration pendingAge;

    public RefundJanitor(
            RefundStore refunds,
            RefundExecution execution,
            Clock clock,
            @Value("${paygate.refunds.pending-age:1m}") Duration pendingAge,
            @Value("${paygate.refunds.janitor-interval:5s}") Duration interval) {
        super("refund janitor", interval);
        this.refunds = refunds;
        this.execution = execution;
        this.clock = clock;
        this.pendingAge = pendingAge;
    }

    @Override
    protected Mono<Integer> runOnce() {
        return sweep();
    }

    /**
     * Claims up to a batch of due refunds and asks the bank about each; a refund whose look fails stays pending and
     * comes up again after the pending age. Emits how many refunds were looked at.
     */
    public Mono<Integer> sweep() {
        var now = clock.instant();
        return refunds.claimPendingSince(now.minus(pendingAge), now, BATCH)
                .doOnNext(due -> {
                    if (!due.isEmpty()) {
                        log.info(
                                "asking the bank again about {} refunds pending since before {}",
                                due.size(),
                                now.minus(pendingAge));
                    }
                })
                .flatMapMany(Flux::fromIterable)
                .flatMap(
                        due -> execution
                                .advance(due.refund(), due.maskedNumber())
                                .onErrorResume(e -> {
                                    log.warn(
                                            "janitor could not settle refund {}, will retry: {}",
                                            due.refund().id(),
                                            e.toString());
                                    return Mono.empty();
                                })
                                .thenReturn(1),
                        BATCH)
                .count()
                .map(Long::intValue);
    }
}
