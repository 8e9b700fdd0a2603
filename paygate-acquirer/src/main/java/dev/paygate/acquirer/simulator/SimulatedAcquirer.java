package dev.paygate.acquirer.simulator;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.AcquirerRefusedException;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * A bank that decides by test card ({@link TestCard}), with a configurable latency and failure rate so
 * tests can make it slow or down. Calls slower than {@code timeout} fail with
 * {@link AcquirerUnavailableException}, as a real adapter's would.
 */
public class SimulatedAcquirer implements Acquirer {

    private final Duration latency;
    private final double failureRate;
    private final Duration timeout;
    private final Duration refundPendingFor;
    private final java.time.Clock clock;
    private final java.util.function.BooleanSupplier down;

    public SimulatedAcquirer(Duration latency, double failureRate, Duration timeout) {
        this(latency, failureRate, timeout, Duration.ofSeconds(30), java.time.Clock.systemUTC());
    }

    public SimulatedAcquirer(
            Duration latency, double failureRate, Duration timeout, Duration refundPendingFor, java.time.Clock clock) {
        this(latency, failureRate, timeout, refundPendingFor, clock, () -> false);
    }

    /**
     * @param refundPendingFor how long refunds on the pending test cards stay pending before they succeed or fail
     * @param down             while true, the bank does not answer at all: every call times out (an outage)
     */
    public SimulatedAcquirer(
            Duration latency,
            double failureRate,
            Duration timeout,
            Duration refundPendingFor,
            java.time.Clock clock,
            java.util.function.BooleanSupplier down) {
        this.latency = latency;
        this.failureRate = failureRate;
        this.timeout = timeout;
        this.refundPendingFor = refundPendingFor;
        this.clock = clock;
        this.down = down;
    }

    /**
     * Refunds on {@code 4000000000007726} stay pending, then succeed; on {@code 4000000000005126} they stay
     * pending, then fail; on any other card they succeed at once. Stateless: the reference carries the
     * behaviour and the time the bank took the refund, so any instance can answer a status query.
     */
    @Override
    public Mono<RefundOutcome> refund(RefundRequest refund) {
        return call(() -> {
            TestCard card = TestCard.forMaskedNumber(refund.maskedNumber());
            String reference = "rf_sim_" + card.behaviour() + "_" + clock.millis() + "_" + UUID.randomUUID();
            return switch (card) {
                case REFUND_PENDING_THEN_SUCCEEDED, REFUND_PENDING_THEN_FAILED -> new RefundOutcome.Pending(reference);
                default -> new RefundOutcome.Succeeded(reference);
            };
        });
    }

    @Override
    public Mono<RefundOutcome> refundStatus(String reference) {
        return call(() -> {
            String[] parts = reference.split("_");
            if (parts.length < 5 || !"rf".equals(parts[0]) || !"sim".equals(parts[1])) {
                throw new AcquirerRefusedException("refund_not_found", "not a simulator refund reference");
            }
            TestCard card = TestCard.forBehaviour(parts[2]);
            boolean due = clock.millis() - Long.parseLong(parts[3]) >= refundPendingFor.toMillis();
            return switch (card) {
                case REFUND_PENDING_THEN_SUCCEEDED ->
                    due ? new RefundOutcome.Succeeded(reference) : new RefundOutcome.Pending(reference);
                case REFUND_PENDING_THEN_FAILED ->
                    due
                            ? new RefundOutcome.Failed(reference, "The bank could not credit the card.")
                            : new RefundOutcome.Pending(reference);
                default -> new RefundOutcome.Succeeded(reference);
            };
        });
    }

    @Override
    public Mono<Authorization> authorize(
            String reference, CardToken card, long amount, String currency, boolean threeDsCompleted) {
        return call(() -> switch (behaviour(card)) {
            case DECLINE -> new Authorization.Declined("card_declined", "The card was declined.");
            case THREE_DS ->
                threeDsCompleted ? new Authorization.Approved(authorizationId()) : new Authorization.RequiresAction();
            default -> new Authorization.Approved(authorizationId());
        });
    }

    @Override
    public Mono<Void> capture(String authorizationId, long amount) {
        return call(() -> Boolean.TRUE).then();
    }

    @Override
    public Mono<Void> reduceAuthorization(String authorizationId, long amount) {
        return call(() -> Boolean.TRUE).then();
    }

    @Override
    public Mono<Void> voidAuthorization(String authorizationId) {
        return call(() -> Boolean.TRUE).then();
    }

    private static TestCard behaviour(CardToken card) {
        String token = card.token();
        if (!token.startsWith(SimulatedCardTokenizer.PREFIX)) {
            throw new AcquirerRefusedException("token_invalid", "not a simulator token");
        }
        String rest = token.substring(SimulatedCardTokenizer.PREFIX.length());
        return TestCard.forBehaviour(rest.substring(0, rest.lastIndexOf('_')));
    }

    private static String authorizationId() {
        return "auth_sim_" + UUID.randomUUID();
    }

    private <T> Mono<T> call(java.util.function.Supplier<T> answer) {
        Mono<T> reply = Mono.defer(() -> down.getAsBoolean()
                ? Mono.<T>never()
                : Mono.fromSupplier(() -> {
                    if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
                        throw new AcquirerUnavailableException(
                                "The simulated bank failed (failure rate " + failureRate + ").");
                    }
                    return answer.get();
                }));
        if (!latency.isZero()) {
            reply = Mono.delay(latency).then(reply);
        }
        return reply.timeout(timeout)
                .onErrorMap(
                        TimeoutException.class,
                        e -> new AcquirerUnavailableException("The bank did not answer within " + timeout + "."));
    }
}
