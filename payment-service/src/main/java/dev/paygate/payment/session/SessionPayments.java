package dev.paygate.payment.session;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.AuthenticateSessionPayment;
import dev.paygate.contracts.command.PaySession;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.payment.lifecycle.Changes;
import dev.paygate.payment.lifecycle.PaymentAuthorizer;
import dev.paygate.payment.lifecycle.domain.PaymentTransitionRejected;
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
                .transform(plan -> refusedForTheSession(plan, c.sessionId(), c.commandId()));
    }

    private Mono<List<OutboxMessage>> settle(
            PaySession c, StoredSession session, StoredPayment created, StoredPayment paid, Instant now) {
        List<OutboxMessage> events = new ArrayList<>();
        events.add(changes.event(created, EventType.PAYMENT_CREATED));
        events.add(changes.event(paid, Changes.eventFor(paid, false)));
        return finish(c.commandId(), session, paid, events, now);
    }

    /**
     * The hosted page's 3-D Secure challenge, answered: the payer passed it (the bank is asked to authorize, as
     * {@code test-3ds} does) or failed it (the payment fails, {@code authentication_failed}). Authorized: the session
     * completes; otherwise it stays open for another card. Refused before anything changes when the session can't be
     * paid any more (409 {@code session_invalid_status}), the payment is not this session's (404) or not waiting for
     * 3-D Secure (409 {@code payment_invalid_status}).
     */
    public Mono<Plan> authenticate(AuthenticateSessionPayment c) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return sessions.find(c.sessionId(), c.merchantId())
                .flatMap(session -> payments.findOfSession(c.paymentId(), c.sessionId(), c.merchantId())
                        .flatMap(payment -> {
                            session.complete(payment.id(), now); // refuses a session that can't be paid
                            payment.requireThreeDsPending();
                            if (!c.success()) {
                                StoredPayment failed = payment.declined(
                                        ProblemCodes.AUTHENTICATION_FAILED,
                                        "The payer failed 3-D Secure authentication.",
                                        now);
                                return Mono.<Plan>just(() -> payments.update(failed, payment.version())
                                        .then(Mono.defer(() -> authenticated(c.commandId(), session, failed, now))));
                            }
                            // both leased before the bank is asked: expiry waits for the session, another
                            // command for the payment
                            return sessions.beginOperation(session.id(), session.version(), c.commandId(), lease)
                                    .then(payments.beginOperation(
                                            payment.id(), payment.version(), c.commandId(), lease))
                                    .then(authorizer.authorize(payment, true))
                                    .<Plan>map(paid -> () -> payments.update(paid, payment.version(), c.commandId())
                                            .then(Mono.defer(() -> authenticated(c.commandId(), session, paid, now))))
                                    .onErrorResume(
                                            Changes::nothingAtTheBank,
                                            e -> Mono.just(() -> payments.endOperation(payment.id(), c.commandId())
                                                    .then(sessions.endOperation(session.id(), c.commandId()))
                                                    .thenReturn(List.of(changes.bankProblem(
                                                            c.sessionId(), c.commandId(), (RuntimeException) e)))));
                        })
                        .switchIfEmpty(Mono.fromSupplier(() -> Plan.of(List.of(changes.problem(
                                c.sessionId(),
                                c.commandId(),
                                404,
                                ProblemCodes.RESOURCE_MISSING,
                                "No such payment for this session: " + c.paymentId(),
                                "paymentId"))))))
                .transform(plan -> refusedForTheSession(plan, c.sessionId(), c.commandId()))
                .onErrorResume(
                        PaymentTransitionRejected.class,
                        e -> Mono.just(Plan.of(List.of(changes.problem(
                                c.sessionId(),
                                c.commandId(),
                                409,
                                ProblemCodes.PAYMENT_INVALID_STATUS,
                                e.getMessage(),
                                null)))));
    }

    /** A session command's refusals: 404 when there is no such session, 409 when it can't be paid any more. */
    private Mono<Plan> refusedForTheSession(Mono<Plan> plan, String sessionId, String commandId) {
        return plan.switchIfEmpty(Mono.fromSupplier(() -> Plan.of(List.of(changes.problem(
                        sessionId,
                        commandId,
                        404,
                        ProblemCodes.RESOURCE_MISSING,
                        "No such session: " + sessionId,
                        "id")))))
                .onErrorResume(
                        SessionTransitionRejected.class,
                        e -> Mono.just(Plan.of(List.of(changes.problem(
                                sessionId,
                                commandId,
                                409,
                                ProblemCodes.SESSION_INVALID_STATUS,
                                e.getMessage(),
                                null)))));
    }

    /** After the challenge: the payment's event, then the session {@link #finish finished} by its outcome. */
    private Mono<List<OutboxMessage>> authenticated(
            String commandId, StoredSession session, StoredPayment next, Instant now) {
        List<OutboxMessage> events = new ArrayList<>();
        events.add(changes.event(next, Changes.eventFor(next, false)));
        return finish(commandId, session, next, events, now);
    }

    /**
     * The session after a payment's authorization: completed when it was authorized (its event and the session as
     * the answer); otherwise open for another card, and the answer is 402 with the payment ({@code card_declined},
     * {@code authentication_failed}, or {@code authentication_required}: the hosted page then runs the challenge).
     */
    private Mono<List<OutboxMessage>> finish(
            String commandId, StoredSession session, StoredPayment paid, List<OutboxMessage> events, Instant now) {
        boolean authorized = Payment.SUCCEEDED.equals(paid.status()) || Payment.REQUIRES_CAPTURE.equals(paid.status());
        if (!authorized) {
            boolean needs3ds = Payment.REQUIRES_ACTION.equals(paid.status());
            String code = needs3ds
                    ? ProblemCodes.AUTHENTICATION_REQUIRED
                    : paid.lastPaymentError() != null
                                    && ProblemCodes.AUTHENTICATION_FAILED.equals(
                                            paid.lastPaymentError().code())
                            ? ProblemCodes.AUTHENTICATION_FAILED
                            : ProblemCodes.CARD_DECLINED;
            // the session stays open for another card: its operation ends here
            return sessions.endOperation(session.id(), commandId)
                    .thenReturn(Changes.of(
                            events,
                            changes.problemWith(
                                    session.id(),
                                    commandId,
                                    402,
                                    code,
                                    needs3ds
                                            ? "The card needs 3-D Secure: the payer completes it on the hosted page."
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
        return sessions.updateStatus(completed, commandId)
                .thenReturn(Changes.of(events, changes.ok(session.id(), commandId, completed.toResource())));
    }
}
