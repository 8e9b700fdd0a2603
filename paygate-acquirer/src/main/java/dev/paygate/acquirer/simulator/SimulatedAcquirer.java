package dev.paygate.acquirer.simulator;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardToken;
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

    public SimulatedAcquirer(Duration latency, double failureRate, Duration timeout) {
        this.latency = latency;
        this.failureRate = failureRate;
        this.timeout = timeout;
    }

    @Override
    public Mono<Authorization> authorize(String reference, CardToken card, long amount, String currency,
                                         boolean threeDsCompleted) {
        return call(() -> switch (behaviour(card)) {
            case DECLINE -> new Authorization.Declined("card_declined", "The card was declined.");
            case THREE_DS -> threeDsCompleted
                    ? new Authorization.Approved(authorizationId())
                    : new Authorization.RequiresAction();
            default -> new Authorization.Approved(authorizationId());
        });
    }

    @Override
    public Mono<Void> capture(String authorizationId, long amount) {
        return call(() -> Boolean.TRUE).then();
    }

    @Override
    public Mono<Void> voidAuthorization(String authorizationId) {
        return call(() -> Boolean.TRUE).then();
    }

    private static TestCard behaviour(CardToken card) {
        String token = card.token();
        if (!token.startsWith(SimulatedCardTokenizer.PREFIX)) {
            throw new IllegalArgumentException("not a simulator token");
        }
        String rest = token.substring(SimulatedCardTokenizer.PREFIX.length());
        return TestCard.forBehaviour(rest.substring(0, rest.lastIndexOf('_')));
    }

    private static String authorizationId() {
        return "auth_sim_" + UUID.randomUUID();
    }

    private <T> Mono<T> call(java.util.function.Supplier<T> answer) {
        Mono<T> reply = Mono.fromSupplier(() -> {
            if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
                throw new AcquirerUnavailableException("The simulated bank failed (failure rate " + failureRate + ").");
            }
            return answer.get();
        });
        if (!latency.isZero()) {
            reply = Mono.delay(latency).then(reply);
        }
        return reply.timeout(timeout)
                .onErrorMap(TimeoutException.class,
                        e -> new AcquirerUnavailableException("The bank did not answer within " + timeout + "."));
    }
}
