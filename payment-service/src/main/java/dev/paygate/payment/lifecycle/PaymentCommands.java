package dev.paygate.payment.lifecycle;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CancelPayment;
import dev.paygate.contracts.command.CancelTransaction;
import dev.paygate.contracts.command.CapturePayment;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CompleteThreeDs;
import dev.paygate.contracts.command.ConfirmPayment;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.contracts.command.SecupayRefund;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.payment.lifecycle.domain.PaymentTransitionRejected;
import dev.paygate.payment.lifecycle.domain.StoredPayment;
import dev.paygate.payment.lifecycle.domain.TransactionCancel;
import dev.paygate.payment.lifecycle.store.PaymentStore;
import dev.paygate.payment.secupay.RefundLinkStore;
import dev.paygate.payment.secupay.SecupayTransactions;
import dev.paygate.support.outbox.ConcurrentChangeException;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.Plan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Prepares payment commands outside any transaction, and plans what each writes. A command reads the payment
 * (no lock), decides, and if the bank must act, first records the operation on the payment (a short statement of its
 * own: {@link PaymentStore#beginOperation}) and then asks the bank, holding nothing. Its {@link Plan} then writes the
 * outcome in the command's transaction, checked against the version it read: a payment that changed meanwhile makes
 * the command run again from the start ({@link ConcurrentChangeException}). When the bank can't be reached the answer
 * is 502 {@code acquirer_unavailable} and nothing changes. Every bank call carries a reference derived from the
 * payment and the operation, so a command run again (a redelivery after a crash) is executed once at the bank.
 */
@Service
public class PaymentCommands {

    private final PaymentStore store;
    private final PaymentAuthorizer authorizer;
    private final Acquirer bank;
    private final Changes changes;
    private final Clock clock;
    private final SecupayTransactions secupay;
    private final RefundLinkStore links;
    private final Duration lease;

    public PaymentCommands(
            PaymentStore store,
            PaymentAuthorizer authorizer,
            Acquirer bank,
            Changes changes,
            Clock clock,
            SecupayTransactions secupay,
            RefundLinkStore links,
            @Value("${paygate.acquirer.timeout:10s}") Duration bankTimeout) {
        this.secupay = secupay;
        this.links = links;
        this.store = store;
        this.authorizer = authorizer;
        this.bank = bank;
        this.changes = changes;
        this.clock = clock;
        this.lease = operationLease(bankTimeout);
    }

    /**
     * How long an operation holds its payment: two bank calls (authorize and capture) at their timeout, and a margin.
     * A command that dies with its operation under way blocks the payment's next command for at most this long.
     */
    public static Duration operationLease(Duration bankTimeout) {
        return bankTimeout.multipliedBy(2).plusSeconds(5);
    }

    public Mono<Plan> create(CreatePayment c) {
        StoredPayment created = StoredPayment.create(
                c.paymentId(),
                c.merchantId(),
                c.transactionId(),
                c.amount(),
                c.currency(),
                c.captureMethod(),
                c.card(),
                c.customerDetails() == null ? CustomerDetails.EMPTY : c.customerDetails(),
                c.description(),
                c.merchantCustomerId(),
                c.metadata() == null ? Map.of() : c.metadata(),
                c.returnUrl(),
                c.paymentMethodOptions() == null ? Payment.PaymentMethodOptions.DEFAULT : c.paymentMethodOptions(),
                c.setupFutureUsage(),
                now());
        // a new payment has no row to record the operation on: its id is the bank's reference, and the insert decides
        Mono<StoredPayment> result =
                c.confirm() && c.card() != null ? authorizer.authorize(created, false) : Mono.just(created);
        return result.<Plan>map(last -> () -> store.insert(last, null).map(inserted -> {
                    if (!inserted) {
                        return List.of(changes.problem(
                                c.paymentId(),
                                c.commandId(),
                                409,
                                "resource_already_exists",
                                "Payment " + c.paymentId() + " already exists.",
                                "id"));
                    }
                    List<OutboxMessage> events = new ArrayList<>();
                    events.add(changes.event(created, Changes.eventFor(created, true)));
                    if (last != created) {
                        events.add(changes.event(last, Changes.eventFor(last, false)));
                    }
                    return Changes.of(events, answer(c.paymentId(), c.commandId(), last));
                }))
                .onErrorResume(
                        Changes::nothingAtTheBank,
                        e -> Mono.just(Plan.of(
                                List.of(changes.bankProblem(c.paymentId(), c.commandId(), (RuntimeException) e)))));
    }

    public Mono<Plan> confirm(ConfirmPayment c) {
        return current(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            StoredPayment confirming = current.confirming(c.card());
            if (confirming.card() == null) {
                return Mono.just(Plan.of(List.of(changes.problem(
                        c.paymentId(),
                        c.commandId(),
                        400,
                        ProblemCodes.PARAMETER_MISSING,
                        "A payment method is required to confirm.",
                        "paymentMethod"))));
            }
            return withBank(
                    current,
                    c.commandId(),
                    authorizer.authorize(confirming, false),
                    next -> save(c.commandId(), current, next, answer(c.paymentId(), c.commandId(), next)));
        });
    }

    public Mono<Plan> completeThreeDs(CompleteThreeDs c) {
        return current(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            current.requireThreeDsPending();
            if (!c.success()) {
                StoredPayment declined = current.declined(
                        ProblemCodes.AUTHENTICATION_FAILED, "The payer failed 3-D Secure authentication.", now());
                return Mono.just(save(
                        c.commandId(),
                        current,
                        declined,
                        changes.ok(c.paymentId(), c.commandId(), declined.toResource())));
            }
            return withBank(
                    current,
                    c.commandId(),
                    authorizer.authorize(current, true),
                    next -> save(
                            c.commandId(), current, next, changes.ok(c.paymentId(), c.commandId(), next.toResource())));
        });
    }

    public Mono<Plan> capture(CapturePayment c) {
        return current(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            long amount;
            try {
                amount = current.captureAmount(c.amountToCapture());
            } catch (IllegalArgumentException e) {
                return Mono.just(Plan.of(List.of(changes.problem(
                        c.paymentId(),
                        c.commandId(),
                        400,
                        ProblemCodes.AMOUNT_INVALID,
                        e.getMessage(),
                        "amountToCapture"))));
            }
            return withBank(
                    current,
                    c.commandId(),
                    bank.capture(current.authorizationId(), amount)
                            .then(Mono.fromSupplier(() -> current.captured(amount, now()))),
                    next -> save(
                            c.commandId(), current, next, changes.ok(c.paymentId(), c.commandId(), next.toResource())));
        });
    }

    public Mono<Plan> cancel(CancelPayment c) {
        return current(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            current.requireCancelable();
            Function<StoredPayment, Plan> outcome = next ->
                    save(c.commandId(), current, next, changes.ok(c.paymentId(), c.commandId(), next.toResource()));
            if (!current.holdsAuthorization()) {
                return Mono.just(outcome.apply(current.canceled(c.cancellationReason(), now())));
            }
            return withBank(
                    current,
                    c.commandId(),
                    bank.voidAuthorization(current.authorizationId())
                            .then(Mono.fromSupplier(() -> current.canceled(c.cancellationReason(), now()))),
                    outcome);
        });
    }

    /**
     * The secupay cancel (docs/secupay.md), decided on the payment as read and written only if it is still so: before
     * capture it lowers the authorization once or cancels in full; once captured it asks refund-service — through the
     * outbox, so only if this transaction commits — for a refund linked to the payment, and the answer follows when
     * that refund's first event is linked ({@code RefundEventsListener}).
     */
    public Mono<Plan> cancelTransaction(CancelTransaction c) {
        return current(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            TransactionCancel decision = TransactionCancel.decide(current, c.reduceAmountBy());
            if (decision instanceof TransactionCancel.Refund) {
                return Mono.<Plan>just(() -> refundFor(c, current));
            }
            if (decision instanceof TransactionCancel.CancelWhole whole) {
                Function<StoredPayment, Plan> outcome =
                        next -> saveAndAnswer(c, current, next, EventType.PAYMENT_CANCELED);
                if (!whole.releaseAtBank()) {
                    return Mono.just(outcome.apply(current.canceled(null, now())));
                }
                return withBank(
                        current,
                        c.commandId(),
                        bank.voidAuthorization(current.authorizationId())
                                .then(Mono.fromSupplier(() -> current.canceled(null, now()))),
                        outcome);
            }
            if (decision instanceof TransactionCancel.ExceedsReserved exceeds) {
                return Mono.just(Plan.of(List.of(changes.problem(
                        c.paymentId(),
                        c.commandId(),
                        409,
                        ProblemCodes.AMOUNT_EXCEEDS_AUTHORIZED,
                        "At most " + exceeds.reserved() + " of transaction " + c.transactionId()
                                + " can still be cancelled.",
                        "reduce_amount_by"))));
            }
            if (decision instanceof TransactionCancel.AlreadyReduced reduced) {
                return Mono.just(Plan.of(List.of(changes.problem(
                        c.paymentId(),
                        c.commandId(),
                        409,
                        ProblemCodes.TRANSACTION_ALREADY_REDUCED,
                        reduced.detail(),
                        "reduce_amount_by"))));
            }
            long by = ((TransactionCancel.Reduce) decision).by();
            return withBank(
                    current,
                    c.commandId(),
                    bank.reduceAuthorization(current.authorizationId(), by)
                            .then(Mono.fromSupplier(() -> current.reduced(by, now()))),
                    next -> saveAndAnswer(c, current, next, EventType.PAYMENT_AMOUNT_UPDATED));
        });
    }

    private Plan saveAndAnswer(CancelTransaction c, StoredPayment before, StoredPayment after, EventType type) {
        return () -> store.update(after, before.version(), c.commandId())
                .then(secupay.answer(c.paymentId(), null))
                .map(answer -> Changes.of(
                        List.of(changes.event(after, type)),
                        OutboxMessage.reply(c.paymentId(), CommandReply.ok(c.commandId(), answer))));
    }

    /** Captured: number the refund, remember who waits for it, and ask refund-service for it. */
    private Mono<List<OutboxMessage>> refundFor(CancelTransaction c, StoredPayment payment) {
        return secupay.paymentRow(payment.id())
                .flatMap(original -> links.waitFor(c.commandId(), payment.id(), c.refundId(), now())
                        .map(refundTransId -> List.of(OutboxMessage.command(new CreateRefund(
                                Ids.COMMAND.next(),
                                c.merchantId(),
                                c.refundId(),
                                payment.id(),
                                c.reduceAmountBy(),
                                null,
                                Map.of(),
                                null,
                                new SecupayRefund(
                                        c.commandId(),
                                        original.transId(),
                                        secupay.view().day(original.created()),
                                        refundTransId,
                                        c.reason()))))));
    }

    /** Reads the payment (no lock), runs {@code change}, and turns the usual refusals into replies. */
    private Mono<Plan> current(
            String paymentId, String merchantId, String commandId, Function<StoredPayment, Mono<Plan>> change) {
        return store.find(paymentId, merchantId)
                .flatMap(current -> Mono.defer(() -> change.apply(current)))
                .switchIfEmpty(Mono.fromSupplier(() -> Plan.of(List.of(changes.problem(
                        paymentId,
                        commandId,
                        404,
                        ProblemCodes.RESOURCE_MISSING,
                        "No such payment: " + paymentId,
                        "id")))))
                .onErrorResume(
                        PaymentTransitionRejected.class,
                        e -> Mono.just(Plan.of(List.of(changes.problem(
                                paymentId,
                                commandId,
                                409,
                                ProblemCodes.PAYMENT_INVALID_STATUS,
                                e.getMessage(),
                                null)))));
    }

    /**
     * Records the operation on the payment (as read), asks the bank, and plans the writes of its outcome. A bank that
     * can't be reached changes nothing: the plan answers 502 and ends the operation.
     */
    private Mono<Plan> withBank(
            StoredPayment current,
            String commandId,
            Mono<StoredPayment> operation,
            Function<StoredPayment, Plan> outcome) {
        return store.beginOperation(current.id(), current.version(), commandId, lease)
                .then(operation)
                .map(outcome)
                .onErrorResume(
                        Changes::nothingAtTheBank,
                        e -> Mono.just(() -> store.endOperation(current.id(), commandId)
                                .thenReturn(
                                        List.of(changes.bankProblem(current.id(), commandId, (RuntimeException) e)))));
    }

    private Plan save(String commandId, StoredPayment before, StoredPayment after, OutboxMessage reply) {
        return () -> store.update(after, before.version(), commandId)
                .thenReturn(Changes.of(List.of(changes.event(after, Changes.eventFor(after, false))), reply));
    }

    /** 200 with the payment, or 402 with it when the card was declined. */
    private OutboxMessage answer(String key, String commandId, StoredPayment p) {
        if (Payment.REQUIRES_PAYMENT_METHOD.equals(p.status()) && p.lastPaymentError() != null) {
            return changes.problemWith(
                    key,
                    commandId,
                    402,
                    ProblemCodes.CARD_DECLINED,
                    p.lastPaymentError().message(),
                    p.toResource());
        }
        return changes.ok(key, commandId, p.toResource());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
