package dev.paygate.acquirer.bank;

import dev.paygate.acquirer.bank.BankApi.AmountBody;
import dev.paygate.acquirer.bank.BankApi.AuthorizationAnswer;
import dev.paygate.acquirer.bank.BankApi.AuthorizeBody;
import dev.paygate.acquirer.bank.BankApi.ErrorBody;
import dev.paygate.acquirer.bank.BankApi.OperationAnswer;
import dev.paygate.acquirer.bank.BankApi.RefundAnswer;
import dev.paygate.acquirer.bank.BankApi.RefundBody;
import dev.paygate.acquirer.bank.Ledger.Answer;
import dev.paygate.acquirer.bank.Ledger.Executed;
import dev.paygate.acquirer.simulator.SimulatedAcquirer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Mono;

/**
 * What the simulated bank does, decided by {@link SimulatedAcquirer} (test cards, declines, 3-D Secure, pending
 * refunds), after the bank's own latency with jitter ({@code Mono.delay}: no thread waits) and failure rate. Each
 * executed operation comes with its ledger entry; a failure (503) or an invalid request (400) executes nothing.
 */
final class BankOperations {

    private final BankSettings settings;
    private final Ledger ledger;
    private final SimulatedAcquirer simulator;

    BankOperations(BankSettings settings, Ledger ledger) {
        this.settings = settings;
        this.ledger = ledger;
        // no latency, failures or timeout of its own: the bank applies its own before asking it
        this.simulator = new SimulatedAcquirer(
                Duration.ZERO, 0, Duration.ofDays(1), settings.refundPendingFor(), settings.clock());
    }

    Mono<Executed> authorize(String reference, AuthorizeBody body) {
        return execute(simulator
                .authorize(reference, body.card().toToken(), body.amount(), body.currency(), body.threeDsCompleted())
                .map(AuthorizationAnswer::of)
                .map(a -> new Executed(
                        ok(a),
                        entry(
                                "authorization",
                                reference,
                                a.authorizationId(),
                                body.amount(),
                                body.currency(),
                                a.status(),
                                null))));
    }

    Mono<Executed> capture(String reference, String authorizationId, AmountBody body) {
        return execute(simulator
                .capture(authorizationId, body.amount())
                .then(Mono.fromSupplier(() -> done("capture", "captured", reference, authorizationId, body.amount()))));
    }

    Mono<Executed> reduce(String reference, String authorizationId, AmountBody body) {
        return execute(simulator
                .reduceAuthorization(authorizationId, body.amount())
                .then(Mono.fromSupplier(
                        () -> done("reduction", "reduced", reference, authorizationId, body.amount()))));
    }

    Mono<Executed> voidAuthorization(String reference, String authorizationId) {
        return execute(simulator
                .voidAuthorization(authorizationId)
                .then(Mono.fromSupplier(() -> done("void", "voided", reference, authorizationId, null))));
    }

    Mono<Executed> refund(String reference, RefundBody body) {
        return execute(simulator
                .refund(body.toRequest())
                .map(RefundAnswer::of)
                .map(r -> new Executed(
                        ok(r),
                        entry(
                                "refund",
                                reference,
                                body.authorizationId(),
                                body.amount(),
                                body.currency(),
                                r.status(),
                                r.reference()))));
    }

    /** A status query: latency and failures as any call, nothing to write down. */
    Mono<Answer> refundStatus(String bankReference) {
        return execute(simulator
                        .refundStatus(bankReference)
                        .map(RefundAnswer::of)
                        .map(r -> new Executed(ok(r), null)))
                .map(Executed::answer)
                .map(a -> a.status() == 400
                        ? new Answer(
                                404, new ErrorBody("refund_not_found", "No refund " + bankReference + " at this bank."))
                        : a);
    }

    private Executed done(String type, String outcome, String reference, String authorizationId, Long amount) {
        return new Executed(
                ok(new OperationAnswer(outcome, authorizationId, amount)),
                entry(type, reference, authorizationId, amount, ledger.currencyOf(authorizationId), outcome, null));
    }

    private LedgerEntry entry(
            String type,
            String reference,
            String authorizationId,
            Long amount,
            String currency,
            String outcome,
            String bankReference) {
        return new LedgerEntry(
                ledger.nextSequence(),
                type,
                reference,
                authorizationId,
                amount,
                currency,
                outcome,
                bankReference,
                settings.clock().instant(),
                0);
    }

    private Mono<Executed> execute(Mono<Executed> operation) {
        return Mono.delay(settings.nextDelay(ThreadLocalRandom.current()))
                .then(Mono.defer(() -> failsNow()
                        ? Mono.just(new Executed(
                                new Answer(
                                        503,
                                        new ErrorBody(
                                                "bank_unavailable",
                                                "The simulated bank failed (failure rate " + settings.failureRate()
                                                        + ").")),
                                null))
                        : operation))
                .onErrorResume(
                        IllegalArgumentException.class,
                        e -> Mono.just(
                                new Executed(new Answer(400, new ErrorBody("invalid_request", e.getMessage())), null)))
                .onErrorResume(e -> Mono.just(
                        new Executed(new Answer(500, new ErrorBody("internal_error", String.valueOf(e))), null)));
    }

    private boolean failsNow() {
        return settings.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < settings.failureRate();
    }

    private static Answer ok(Object body) {
        return new Answer(200, body);
    }
}
