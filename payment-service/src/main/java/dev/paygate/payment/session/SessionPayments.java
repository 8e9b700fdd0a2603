package dev.paygate.payment.session;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.PaySession;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.payment.lifecycle.Changes;
import dev.paygate.payment.lifecycle.PaymentAuthorizer;
import dev.paygate.payment.lifecycle.domain.StoredPayment;
import dev.paygate.payment.lifecycle.store.PaymentStore;
import dev.paygate.payment.session.domain.SessionTransitionRejected;
import dev.paygate.payment.session.domain.StoredSession;
import dev.paygate.payment.session.store.SessionStore;
import dev.paygate.support.outbox.OutboxMessage;
import dev.paygate.support.outbox.Plan;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Paying a hosted session (the hosted page's test API): creates the payment for the session's amount and, when
 * the bank authorizes it, completes the session ({@code paymentStatus: paid}). A declined card or a card that
 * needs 3-D Secure leaves the session open for another try.
 */
@Service
public class SessionPayments {

    private final SessionStore sessions;
    private final PaymentStore payments;
    private final PaymentAuthorizer authorizer;
    private final Changes changes;
    private final Clock clock;
    private final java.time.Duration lease;

    public SessionPayments(
            SessionStore sessions,
            PaymentStore payments,
            PaymentAuthorizer authorizer,
            Changes changes,
            Clock clock,
            @org.springframework.beans.factory.annotation.Value("${paygate.acquirer.timeout:10s}")
                    java.time.Duration bankTimeout) {
        this.lease = dev.paygate.payment.lifecycle.PaymentCommands.operationLease(bankTimeout);
        this.sessions = sessions;
        this.payments = payments;
        this.authorizer = authorizer;
        this.changes = changes;
        this.clock = clock;
    }

    /**
     * Reads the session (no lock) and refuses one that can't be paid before the bank is asked; records the operation
     * on the session (expiry waits for it), asks the bank, and plans the writes: the payment, and the session
     * completed, if it is still as read.
     */
    public Mono<Plan> pay(PaySession c) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return sessions.find(c.sessionId(), c.merchantId())
                .flatMap(session -> {
                    session.complete(
                            c.paymentId(), now); // refuses a session that can't be paid, before the bank is asked
                    StoredPayment created = StoredPayment.create(
                            c.paymentId(),
                            c.merchantId(),
                            c.transactionId(),
                            session.amount(),
                            session.currency(),
                            session.captureMethod(),
                            c.card(),
                            session.customerDetails(),
                            null,
                            null,
                            session.metadata(),
                            session.successUrl(),
                            Payment.PaymentMethodOptions.DEFAULT,
                            null,
                            now);
                    return sessions.beginOperation(session.id(), session.version(), c.commandId(), lease)
                            .then(authorizer.authorize(created, false))
                            .<Plan>map(paid -> () -> payments.insert(paid, session.id())
                                    .then(Mono.defer(() -> settle(c, session, created, paid, now))))
                            .onErrorResume(
                                    Changes::nothingAtTheBank,
                                    e -> Mono.just(() -> sessions.endOperation(session.id(), c.commandId())
                                            .thenReturn(List.of(changes.bankProblem(
                                                    c.sessionId(), c.commandId(), (RuntimeException) e)))));
                })
                .switchIfEmpty(Mono.fromSupplier(() -> Plan.of(List.of(changes.problem(
                        c.sessionId(),
                        c.commandId(),
                        404,
                        ProblemCodes.RESOURCE_MISSING,
                        "No such session: " + c.sessionId(),
                        "id")))))
                .onErrorResume(
                        SessionTransitionRejected.class,
                        e -> Mono.just(Plan.of(List.of(changes.problem(
                                c.sessionId(),
                                c.commandId(),
                                409,
                                ProblemCodes.SESSION_INVALID_STATUS,
                                e.getMessage(),
                                null)))));
    }

    private Mono<List<OutboxMessage>> settle(
            PaySession c, StoredSession session, StoredPayment created, StoredPayment paid, Instant now) {
        List<OutboxMessage> events = new ArrayList<>();
        events.add(changes.event(created, EventType.PAYMENT_CREATED));
        events.add(changes.event(paid, Changes.eventFor(paid, false)));
        boolean authorized = Payment.SUCCEEDED.equals(paid.status()) || Payment.REQUIRES_CAPTURE.equals(paid.status());
        if (!authorized) {
            boolean needs3ds = Payment.REQUIRES_ACTION.equals(paid.status());
            // the session stays open for another card: its operation ends here
            return sessions.endOperation(session.id(), c.commandId())
                    .thenReturn(Changes.of(
                            events,
                            changes.problemWith(
                                    c.sessionId(),
                                    c.commandId(),
                                    402,
                                    needs3ds ? ProblemCodes.AUTHENTICATION_REQUIRED : ProblemCodes.CARD_DECLINED,
                                    needs3ds
                                            ? "The card needs 3-D Secure, which the hosted page can't complete yet; use another card."
                                            : paid.lastPaymentError().message(),
                                    paid.toResource())));
        }
        StoredSession completed = session.complete(paid.id(), now);
        events.add(changes.sessionEvent(
                completed.id(),
                completed.merchantId(),
                completed.updated(),
                completed.toResource(),
                EventType.SESSION_COMPLETED));
        return sessions.updateStatus(completed, c.commandId())
                .thenReturn(Changes.of(events, changes.ok(c.sessionId(), c.commandId(), completed.toResource())));
    }
}
