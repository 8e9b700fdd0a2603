package dev.paygate.refund;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.contracts.command.ReverseRefund;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.refund.bank.PaymentLookup;
import dev.paygate.refund.bank.RefundEvents;
import dev.paygate.refund.bank.RefundExecution;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.refund.store.RefundablePayment;
import dev.paygate.support.outbox.AfterCommit;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Creates refunds inside the command's transaction: reserve the amount on the payment's balance (one
 * conditional update) and store the refund {@code pending} (event). Once that has committed, the bank is asked
 * ({@link RefundExecution}, outside any transaction) and its answer stored (event), with the reply to the waiting
 * caller: the latest status, as soon as the bank gives it.
 */
@Service
public class RefundCommands {

    private final PaymentMirror payments;
    private final PaymentLookup lookup;
    private final RefundStore refunds;
    private final RefundExecution execution;
    private final RefundEvents events;
    private final Clock clock;

    public RefundCommands(PaymentMirror payments, PaymentLookup lookup, RefundStore refunds, RefundExecution execution,
                          RefundEvents events, Clock clock) {
        this.payments = payments;
        this.lookup = lookup;
        this.refunds = refunds;
        this.execution = execution;
        this.events = events;
        this.clock = clock;
    }

    public Mono<List<OutboxMessage>> create(CreateRefund c) {
        // a copy that is missing or not yet succeeded may only be behind the topic (the capture's event still on
        // its way): ask payment-service, the owner, before refusing
        return payments.find(c.paymentId(), c.merchantId())
                .filter(known -> Payment.SUCCEEDED.equals(known.status()))
                .switchIfEmpty(Mono.defer(() -> lookup.learn(c.paymentId(), c.merchantId())
                        .then(payments.find(c.paymentId(), c.merchantId()))))
                .flatMap(payment -> refund(c, payment))
                .switchIfEmpty(Mono.fromSupplier(() -> problem(c, 404, ProblemCodes.RESOURCE_MISSING,
                        "No such payment: " + c.paymentId(), "paymentId")));
    }

    private Mono<List<OutboxMessage>> refund(CreateRefund c, RefundablePayment payment) {
        if (!Payment.SUCCEEDED.equals(payment.status())) {
            return Mono.just(problem(c, 409, ProblemCodes.PAYMENT_INVALID_STATUS, "Payment " + c.paymentId() + " is "
                    + payment.status() + "; only a succeeded payment can be refunded.", "paymentId"));
        }
        long amount = c.amount() != null ? c.amount() : payment.refundable();
        if (amount <= 0) {
            return Mono.just(exceeds(c, payment));
        }
        // a secupay cancel's refund is described as the seed shows; a full refund is all that was received
        String description = c.secupay() == null ? c.description()
                : c.secupay().description(amount == payment.amountReceived());
        StoredRefund pending = StoredRefund.pending(c.refundId(), c.paymentId(), c.merchantId(), amount,
                payment.currency(), c.reason(), c.metadata() == null ? Map.of() : c.metadata(), description,
                clock.instant().truncatedTo(ChronoUnit.SECONDS));
        // the reply waits for the bank's answer; a secupay cancel is answered by payment-service, which links the
        // refund first
        String answerTo = c.secupay() == null ? c.commandId() : null;
        return payments.reserve(c.paymentId(), amount).flatMap(reserved -> !reserved
                ? payments.find(c.paymentId(), c.merchantId()).map(now -> exceeds(c, now))
                : refunds.insert(pending, answerTo)
                        .filter(inserted -> inserted)
                        .switchIfEmpty(Mono.error(() -> new IllegalStateException("refund " + c.refundId() + " exists")))
                        .flatMap(inserted -> Mono.deferContextual(context -> AfterCommit.run(
                                () -> execution.start(pending, payment.maskedNumber(), context))))
                        .thenReturn(List.of(events.updated(pending))));
    }

    /** The bank reversed a succeeded refund: it fails, and its amount is refundable again. */
    public Mono<List<OutboxMessage>> reverse(ReverseRefund c) {
        return refunds.findForUpdate(c.refundId(), c.merchantId())
                .flatMap(refund -> {
                    if (!dev.paygate.contracts.resource.Refund.SUCCEEDED.equals(refund.status())) {
                        return Mono.just(List.of(OutboxMessage.reply(c.paymentId(), CommandReply.problem(c.commandId(),
                                409, ProblemCodes.REFUND_INVALID_STATUS, "Refund " + c.refundId() + " is "
                                        + refund.status() + "; only a succeeded refund can be reversed.", null))));
                    }
                    StoredRefund reversed = refund.failed(refund.bankReference(),
                            c.reason() == null ? "Reversed by the bank." : c.reason(),
                            clock.instant().truncatedTo(ChronoUnit.SECONDS));
                    return refunds.update(reversed, refund.version())
                            .then(payments.release(refund.paymentId(), refund.amount()))
                            .thenReturn(List.of(events.updated(reversed), OutboxMessage.reply(c.paymentId(),
                                    CommandReply.ok(c.commandId(), PaygateJson.wire().valueToTree(reversed.toResource())))));
                })
                .switchIfEmpty(Mono.fromSupplier(() -> List.of(OutboxMessage.reply(c.paymentId(), CommandReply.problem(
                        c.commandId(), 404, ProblemCodes.RESOURCE_MISSING, "No such refund: " + c.refundId(), "id")))));
    }

    private static List<OutboxMessage> exceeds(CreateRefund c, RefundablePayment payment) {
        if (c.secupay() != null) {
            return problem(c, 409, ProblemCodes.AMOUNT_EXCEEDS_REFUNDABLE, "At most " + payment.refundable()
                    + " can still be refunded: cancellations and refunds never exceed the original amount.",
                    "reduce_amount_by");
        }
        return problem(c, 409, ProblemCodes.AMOUNT_EXCEEDS_REFUNDABLE, "At most " + payment.refundable()
                + " of payment " + c.paymentId() + " can still be refunded.", "amount");
    }

    /** A refusal, to whoever waits for the outcome (the secupay cancel's caller, when it asked). */
    private static List<OutboxMessage> problem(CreateRefund c, int status, String code, String detail, String param) {
        return List.of(OutboxMessage.reply(c.paymentId(), CommandReply.problem(c.answerTo(), status, code, detail, param)));
    }
}
