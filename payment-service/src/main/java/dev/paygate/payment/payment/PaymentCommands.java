package dev.paygate.payment.payment;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CancelPayment;
import dev.paygate.contracts.command.CapturePayment;
import dev.paygate.contracts.command.CompleteThreeDs;
import dev.paygate.contracts.command.ConfirmPayment;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.command.CancelTransaction;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.contracts.command.SecupayRefund;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.event.EventType;
import dev.paygate.payment.secupay.SecupayTransactions;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.payment.payment.domain.PaymentTransitionRejected;
import dev.paygate.payment.payment.domain.StoredPayment;
import dev.paygate.payment.payment.store.PaymentStore;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Applies payment commands inside the command's transaction. The payment row is locked first, the bank is
 * asked, and only then is anything written: when the bank can't be reached the answer is 502
 * {@code acquirer_unavailable} and nothing changes.
 */
@Service
public class PaymentCommands {

    private final PaymentStore store;
    private final PaymentAuthorizer authorizer;
    private final Acquirer bank;
    private final Changes changes;
    private final Clock clock;
    private final SecupayTransactions secupay;
    private final DatabaseClient db;

    public PaymentCommands(PaymentStore store, PaymentAuthorizer authorizer, Acquirer bank, Changes changes, Clock clock,
                           SecupayTransactions secupay, DatabaseClient db) {
        this.secupay = secupay;
        this.db = db;
        this.store = store;
        this.authorizer = authorizer;
        this.bank = bank;
        this.changes = changes;
        this.clock = clock;
    }

    public Mono<List<OutboxMessage>> create(CreatePayment c) {
        StoredPayment created = StoredPayment.create(c.paymentId(), c.merchantId(), c.transactionId(), c.amount(),
                c.currency(), c.captureMethod(), c.card(),
                c.customerDetails() == null ? CustomerDetails.EMPTY : c.customerDetails(), c.description(),
                c.merchantCustomerId(), c.metadata() == null ? Map.of() : c.metadata(), c.returnUrl(),
                c.paymentMethodOptions() == null ? Payment.PaymentMethodOptions.DEFAULT : c.paymentMethodOptions(),
                c.setupFutureUsage(), now());
        Mono<StoredPayment> result = c.confirm() && c.card() != null
                ? authorizer.authorize(created, false)
                : Mono.just(created);
        return result
                .flatMap(last -> store.insert(last, null).map(inserted -> {
                    if (!inserted) {
                        return List.of(changes.problem(c.paymentId(), c.commandId(), 409, "resource_already_exists",
                                "Payment " + c.paymentId() + " already exists.", "id"));
                    }
                    List<OutboxMessage> events = new ArrayList<>();
                    events.add(changes.event(created, Changes.eventFor(created, true)));
                    if (last != created) {
                        events.add(changes.event(last, Changes.eventFor(last, false)));
                    }
                    return Changes.of(events, answer(c.paymentId(), c.commandId(), last));
                }))
                .onErrorResume(AcquirerUnavailableException.class, e -> unavailable(c.paymentId(), c.commandId(), e));
    }

    public Mono<List<OutboxMessage>> confirm(ConfirmPayment c) {
        return locked(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            StoredPayment confirming = current.confirming(c.card());
            if (confirming.card() == null) {
                return Mono.just(List.of(changes.problem(c.paymentId(), c.commandId(), 400,
                        ProblemCodes.PARAMETER_MISSING, "A payment method is required to confirm.", "paymentMethod")));
            }
            return authorizer.authorize(confirming, false)
                    .flatMap(next -> save(c.commandId(), current, next, answer(c.paymentId(), c.commandId(), next)));
        });
    }

    public Mono<List<OutboxMessage>> completeThreeDs(CompleteThreeDs c) {
        return locked(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            current.requireThreeDsPending();
            Mono<StoredPayment> next = c.success()
                    ? authorizer.authorize(current, true)
                    : Mono.just(current.declined(ProblemCodes.AUTHENTICATION_FAILED,
                            "The payer failed 3-D Secure authentication.", now()));
            return next.flatMap(n -> save(c.commandId(), current, n, changes.ok(c.paymentId(), c.commandId(), n.toResource())));
        });
    }

    public Mono<List<OutboxMessage>> capture(CapturePayment c) {
        return locked(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            long amount;
            try {
                amount = current.captureAmount(c.amountToCapture());
            } catch (IllegalArgumentException e) {
                return Mono.just(List.of(changes.problem(c.paymentId(), c.commandId(), 400,
                        ProblemCodes.AMOUNT_INVALID, e.getMessage(), "amountToCapture")));
            }
            return bank.capture(current.authorizationId(), amount)
                    .then(Mono.fromSupplier(() -> current.captured(amount, now())))
                    .flatMap(next -> save(c.commandId(), current, next, changes.ok(c.paymentId(), c.commandId(), next.toResource())));
        });
    }

    public Mono<List<OutboxMessage>> cancel(CancelPayment c) {
        return locked(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            current.requireCancelable();
            Mono<Void> release = current.holdsAuthorization() ? bank.voidAuthorization(current.authorizationId()) : Mono.empty();
            return release.then(Mono.fromSupplier(() -> current.canceled(c.cancellationReason(), now())))
                    .flatMap(next -> save(c.commandId(), current, next, changes.ok(c.paymentId(), c.commandId(), next.toResource())));
        });
    }

    /**
     * The secupay cancel (SPEC §2.5), decided here under the payment's lock so a racing capture can't change the
     * choice: before capture it lowers the authorization once or cancels in full; once captured it asks
     * refund-service — through the outbox, so only if this transaction commits — for a refund linked to the
     * payment, and the answer follows when that refund's first event is linked ({@code RefundEventsListener}).
     */
    public Mono<List<OutboxMessage>> cancelTransaction(CancelTransaction c) {
        return locked(c.paymentId(), c.merchantId(), c.commandId(), current -> {
            if (Payment.SUCCEEDED.equals(current.status())) {
                return refundFor(c, current);
            }
            current.requireCancelable();
            Long by = c.reduceAmountBy();
            long reserved = Payment.REQUIRES_CAPTURE.equals(current.status())
                    ? current.amountCapturable() : current.amount() - current.amountCanceled();
            if (by == null || by == reserved) {
                Mono<Void> release = current.holdsAuthorization()
                        ? bank.voidAuthorization(current.authorizationId()) : Mono.empty();
                return release.then(Mono.fromSupplier(() -> current.canceled(null, now())))
                        .flatMap(next -> saveAndAnswer(c, current, next, EventType.PAYMENT_CANCELED));
            }
            if (by > reserved) {
                return Mono.just(List.of(changes.problem(c.paymentId(), c.commandId(), 409,
                        ProblemCodes.AMOUNT_EXCEEDS_AUTHORIZED, "At most " + reserved + " of transaction "
                                + c.transactionId() + " can still be cancelled.", "reduce_amount_by")));
            }
            try {
                current.requireReducible(by);
            } catch (StoredPayment.AlreadyReduced e) {
                return Mono.just(List.of(changes.problem(c.paymentId(), c.commandId(), 409,
                        ProblemCodes.TRANSACTION_ALREADY_REDUCED, e.getMessage(), "reduce_amount_by")));
            }
            return bank.reduceAuthorization(current.authorizationId(), by)
                    .then(Mono.fromSupplier(() -> current.reduced(by, now())))
                    .flatMap(next -> saveAndAnswer(c, current, next, EventType.PAYMENT_AMOUNT_UPDATED));
        });
    }

    private Mono<List<OutboxMessage>> saveAndAnswer(CancelTransaction c, StoredPayment before, StoredPayment after,
                                                    EventType type) {
        return store.update(after, before.version())
                .then(secupay.answer(c.paymentId(), null))
                .map(answer -> Changes.of(List.of(changes.event(after, type)),
                        OutboxMessage.reply(c.paymentId(), CommandReply.ok(c.commandId(), answer))));
    }

    /** Captured: number the refund, remember who waits for it, and ask refund-service for it. */
    private Mono<List<OutboxMessage>> refundFor(CancelTransaction c, StoredPayment payment) {
        return secupay.paymentRow(payment.id()).flatMap(original -> db.sql("""
                                INSERT INTO transaction_cancels (command_id, payment_id, refund_id, refund_transaction_id,
                                                                 refund_trans_id, created_at)
                                VALUES (:commandId, :paymentId, :refundId, :transactionId, nextval('trans_ids'), :now)
                                RETURNING refund_trans_id""")
                        .bind("commandId", c.commandId())
                        .bind("paymentId", payment.id())
                        .bind("refundId", c.refundId())
                        .bind("transactionId", Ids.transactionId())
                        .bind("now", now().atOffset(ZoneOffset.UTC))
                        .map(row -> row.get("refund_trans_id", Long.class))
                        .one()
                        .map(refundTransId -> List.of(OutboxMessage.command(new CreateRefund(Ids.COMMAND.next(),
                                c.merchantId(), c.refundId(), payment.id(), c.reduceAmountBy(), null, Map.of(), null,
                                new SecupayRefund(c.commandId(), original.transId(),
                                        secupay.view().day(original.created()), refundTransId, c.reason()))))));
    }

    /** Locks the payment, runs {@code change}, and turns the usual refusals into replies. */
    private Mono<List<OutboxMessage>> locked(String paymentId, String merchantId, String commandId,
                                             java.util.function.Function<StoredPayment, Mono<List<OutboxMessage>>> change) {
        return store.findForUpdate(paymentId, merchantId)
                .flatMap(current -> Mono.defer(() -> change.apply(current)))
                .switchIfEmpty(Mono.fromSupplier(() -> List.of(changes.problem(paymentId, commandId, 404,
                        ProblemCodes.RESOURCE_MISSING, "No such payment: " + paymentId, "id"))))
                .onErrorResume(PaymentTransitionRejected.class, e -> Mono.just(List.of(changes.problem(paymentId,
                        commandId, 409, ProblemCodes.PAYMENT_INVALID_STATUS, e.getMessage(), null))))
                .onErrorResume(AcquirerUnavailableException.class, e -> unavailable(paymentId, commandId, e));
    }

    private Mono<List<OutboxMessage>> save(String commandId, StoredPayment before, StoredPayment after, OutboxMessage reply) {
        return store.update(after, before.version())
                .thenReturn(Changes.of(List.of(changes.event(after, Changes.eventFor(after, false))), reply));
    }

    /** 200 with the payment, or 402 with it when the card was declined. */
    private OutboxMessage answer(String key, String commandId, StoredPayment p) {
        if (Payment.REQUIRES_PAYMENT_METHOD.equals(p.status()) && p.lastPaymentError() != null) {
            return changes.problemWith(key, commandId, 402, ProblemCodes.CARD_DECLINED, p.lastPaymentError().message(),
                    p.toResource());
        }
        return changes.ok(key, commandId, p.toResource());
    }

    private Mono<List<OutboxMessage>> unavailable(String key, String commandId, AcquirerUnavailableException e) {
        return Mono.just(List.of(changes.problem(key, commandId, 502, ProblemCodes.ACQUIRER_UNAVAILABLE,
                "The bank could not be reached; nothing was changed. " + e.getMessage(), null)));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
