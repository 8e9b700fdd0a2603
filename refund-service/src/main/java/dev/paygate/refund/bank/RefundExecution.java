package dev.paygate.refund.bank;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Asks the bank about a pending refund (executes it, or queries it when the bank already has it) and stores
 * the answer: succeeded, failed (its amount back in the balance), or still pending. A bank that doesn't answer
 * leaves the refund pending for the janitor. Runs inside the caller's transaction, the refund row locked.
 */
@Component
public class RefundExecution {

    private final Acquirer bank;
    private final RefundStore refunds;
    private final PaymentMirror payments;
    private final RefundEvents events;
    private final Clock clock;

    public RefundExecution(Acquirer bank, RefundStore refunds, PaymentMirror payments, RefundEvents events, Clock clock) {
        this.bank = bank;
        this.refunds = refunds;
        this.payments = payments;
        this.events = events;
        this.clock = clock;
    }

    /** Emits the refund as it now is, and the events of its changes (none when it stays pending). */
    public Mono<Result> advance(StoredRefund refund, String maskedNumber) {
        Mono<RefundOutcome> answer = refund.bankReference() == null
                ? bank.refund(new RefundRequest(refund.id(), refund.paymentId(), null, maskedNumber, refund.amount(),
                        refund.currency()))
                : bank.refundStatus(refund.bankReference());
        return answer
                .flatMap(outcome -> apply(refund, outcome))
                .onErrorResume(AcquirerUnavailableException.class, e -> touch(refund, refund.bankReference()));
    }

    private Mono<Result> apply(StoredRefund refund, RefundOutcome outcome) {
        var now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (outcome instanceof RefundOutcome.Succeeded s) {
            StoredRefund next = refund.succeeded(s.reference(), now);
            return refunds.update(next, refund.version()).thenReturn(new Result(next, List.of(events.updated(next))));
        }
        if (outcome instanceof RefundOutcome.Failed f) {
            StoredRefund next = refund.failed(f.reference(), f.reason(), now);
            return refunds.update(next, refund.version())
                    .then(payments.release(refund.paymentId(), refund.amount()))
                    .thenReturn(new Result(next, List.of(events.updated(next))));
        }
        return touch(refund, outcome.reference());
    }

    private Mono<Result> touch(StoredRefund refund, String reference) {
        StoredRefund pending = refund.stillPending(reference, clock.instant().truncatedTo(ChronoUnit.SECONDS));
        return refunds.touch(pending).thenReturn(new Result(pending, List.of()));
    }

    public record Result(StoredRefund refund, List<OutboxMessage> events) {
    }
}
