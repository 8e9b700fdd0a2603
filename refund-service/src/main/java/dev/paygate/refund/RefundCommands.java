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
import dev.paygate.refund.domain.RefundDecision;
import dev.paygate.refund.domain.RefundablePayment;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.support.observability.Traces;
import dev.paygate.support.outbox.AfterCommit;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Creates refunds inside the poll's transaction: reserve the amounts on the payments' balances and store the refunds
 * {@code pending} (events), a statement per table for the lot. Once that has committed, the bank is asked
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

    public RefundCommands(
            PaymentMirror payments,
            PaymentLookup lookup,
            RefundStore refunds,
            RefundExecution execution,
            RefundEvents events,
            Clock clock) {
        this.payments = payments;
        this.lookup = lookup;
        this.refunds = refunds;
        this.execution = execution;
        this.events = events;
        this.clock = clock;
    }

    /** One refund command as a poll of one: the payment learnt if unknown, then decided and written. */
    public Mono<List<OutboxMessage>> create(CreateRefund c) {
        return learnUnknown(List.of(c))
                .then(createAll(List.of(c), command -> null))
                .map(made -> made.stream().map(Outbox.Traced::message).toList());
    }

    /**
     * Before a poll's refunds are decided, outside any transaction: asks payment-service about each payment this
     * service doesn't know as refundable yet (its capture may still be on its way on the topic), so that no refund
     * is refused wrongly and no remote call is made inside the poll's transaction. One statement for the lot.
     */
    public Mono<Void> learnUnknown(List<CreateRefund> commands) {
        if (commands.isEmpty()) {
            return Mono.empty();
        }
        java.util.Set<String> ids = new java.util.TreeSet<>();
        commands.forEach(c -> ids.add(c.paymentId()));
        return payments.findAll(ids)
                .filter(known -> Payment.SUCCEEDED.equals(known.status()))
                .collectMap(RefundablePayment::paymentId)
                .flatMapMany(known -> reactor.core.publisher.Flux.fromIterable(commands)
                        .filter(c -> !known.containsKey(c.paymentId())
                                || !known.get(c.paymentId()).merchantId().equals(c.merchantId()))
                        .distinct(c -> c.paymentId() + "/" + c.merchantId()))
                .flatMap(c -> lookup.learn(c.paymentId(), c.merchantId()), 8)
                .then();
    }

    /**
     * A poll's new refunds, in order, inside its transaction, with a statement per table: the payments locked, each
     * refund decided on the balance the ones before it left (reserved, or refused), the balances reserved, the
     * refunds inserted {@code pending}. Once the transaction has committed, the bank is asked about each
     * ({@link RefundExecution}) in the trace of its command ({@code traceOf}). Emits what to publish, each in its
     * command's trace.
     */
    public Mono<List<Outbox.Traced>> createAll(
            List<CreateRefund> commands, java.util.function.Function<CreateRefund, String> traceOf) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        commands.forEach(c -> ids.add(c.paymentId()));
        var now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return payments.lockAll(ids).collectMap(RefundablePayment::paymentId).flatMap(locked -> {
            java.util.Map<String, RefundablePayment> balances = new java.util.HashMap<>(locked);
            java.util.Map<String, Long> reserve = new java.util.LinkedHashMap<>();
            List<StoredRefund> pending = new java.util.ArrayList<>();
            List<String> answerTo = new java.util.ArrayList<>();
            List<Runnable> asks = new java.util.ArrayList<>();
            List<Outbox.Traced> out = new java.util.ArrayList<>();
            for (CreateRefund c : commands) {
                String trace = traceOf.apply(c);
                RefundablePayment payment = balances.get(c.paymentId());
                if (payment == null || !payment.merchantId().equals(c.merchantId())) {
                    traced(
                            out,
                            problem(
                                    c,
                                    404,
                                    ProblemCodes.RESOURCE_MISSING,
                                    "No such payment: " + c.paymentId(),
                                    "paymentId"),
                            trace);
                    continue;
                }
                Decision decision = decide(c, payment, now);
                if (decision.refund() == null) {
                    traced(out, decision.refusal(), trace);
                    continue;
                }
                StoredRefund refund = decision.refund();
                balances.put(payment.paymentId(), payment.reserving(refund.amount()));
                reserve.merge(payment.paymentId(), refund.amount(), Long::sum);
                pending.add(refund);
                // the reply waits for the bank's answer; a secupay cancel is answered by payment-service, which links
                // the refund first
                answerTo.add(c.secupay() == null ? c.commandId() : null);
                asks.add(() -> execution.start(
                        refund,
                        payment.maskedNumber(),
                        Traces.parent(trace).apply(reactor.util.context.Context.empty())));
                traced(out, List.of(events.updated(refund)), trace);
            }
            return payments.reserveAll(reserve)
                    .then(refunds.insertAll(pending, answerTo))
                    .then(AfterCommit.run(() -> asks.forEach(Runnable::run)))
                    .thenReturn(out);
        });
    }

    private static void traced(List<Outbox.Traced> out, List<OutboxMessage> messages, String trace) {
        messages.forEach(m -> out.add(new Outbox.Traced(m, trace)));
    }

    /** A refund decided on the payment as it stands: to reserve and store pending, or refused. */
    private record Decision(StoredRefund refund, List<OutboxMessage> refusal) {}

    private Decision decide(CreateRefund c, RefundablePayment payment, java.time.Instant now) {
        RefundDecision decision = payment.refund(c.amount());
        if (decision instanceof RefundDecision.NotRefundable refused) {
            return new Decision(
                    null,
                    problem(
                            c,
                            409,
                            ProblemCodes.PAYMENT_INVALID_STATUS,
                            "Payment " + c.paymentId() + " is " + refused.status()
                                    + "; only a succeeded payment can be refunded.",
                            "paymentId"));
        }
        if (!(decision instanceof RefundDecision.Reserve reserve)) {
            return new Decision(null, exceeds(c, payment));
        }
        long amount = reserve.amount();
        // a secupay cancel's refund is described as the secupay API shows (docs/secupay.md); a full refund is all that
        // was received
        String description =
                c.secupay() == null ? c.description() : c.secupay().description(amount == payment.amountReceived());
        return new Decision(
                StoredRefund.pending(
                        c.refundId(),
                        c.paymentId(),
                        c.merchantId(),
                        amount,
                        payment.currency(),
                        c.reason(),
                        c.metadata() == null ? Map.of() : c.metadata(),
                        description,
                        now),
                null);
    }

    /** The bank reversed a succeeded refund: it fails, and its amount is refundable again. */
    public Mono<List<OutboxMessage>> reverse(ReverseRefund c) {
        return refunds.findForUpdate(c.refundId(), c.merchantId())
                .flatMap(refund -> {
                    if (!dev.paygate.contracts.resource.Refund.SUCCEEDED.equals(refund.status())) {
                        return Mono.just(List.of(OutboxMessage.reply(
                                c.paymentId(),
                                CommandReply.problem(
                                        c.commandId(),
                                        409,
                                        ProblemCodes.REFUND_INVALID_STATUS,
                                        "Refund " + c.refundId() + " is " + refund.status()
                                                + "; only a succeeded refund can be reversed.",
                                        null))));
                    }
                    StoredRefund reversed = refund.failed(
                            refund.bankReference(),
                            c.reason() == null ? "Reversed by the bank." : c.reason(),
                            clock.instant().truncatedTo(ChronoUnit.SECONDS));
                    return refunds.update(reversed, refund.version())
                            .then(payments.release(refund.paymentId(), refund.amount()))
                            .thenReturn(List.of(
                                    events.updated(reversed),
                                    OutboxMessage.reply(
                                            c.paymentId(),
                                            CommandReply.ok(
                                                    c.commandId(),
                                                    PaygateJson.wire().valueToTree(reversed.toResource())))));
                })
                .switchIfEmpty(Mono.fromSupplier(() -> List.of(OutboxMessage.reply(
                        c.paymentId(),
                        CommandReply.problem(
                                c.commandId(),
                                404,
                                ProblemCodes.RESOURCE_MISSING,
                                "No such refund: " + c.refundId(),
                                "id")))));
    }

    private static List<OutboxMessage> exceeds(CreateRefund c, RefundablePayment payment) {
        if (c.secupay() != null) {
            return problem(
                    c,
                    409,
                    ProblemCodes.AMOUNT_EXCEEDS_REFUNDABLE,
                    "At most " + payment.refundable()
                            + " can still be refunded: cancellations and refunds never exceed the original amount.",
                    "reduce_amount_by");
        }
        return problem(
                c,
                409,
                ProblemCodes.AMOUNT_EXCEEDS_REFUNDABLE,
                "At most " + payment.refundable() + " of payment " + c.paymentId() + " can still be refunded.",
                "amount");
    }

    /** A refusal, to whoever waits for the outcome (the secupay cancel's caller, when it asked). */
    private static List<OutboxMessage> problem(CreateRefund c, int status, String code, String detail, String param) {
        return List.of(
                OutboxMessage.reply(c.paymentId(), CommandReply.problem(c.answerTo(), status, code, detail, param)));
    }
}
