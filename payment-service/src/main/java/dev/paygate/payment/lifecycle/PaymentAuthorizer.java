package dev.paygate.payment.lifecycle;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardToken;
import dev.paygate.payment.lifecycle.domain.StoredPayment;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Asks the bank to authorize a payment (and, for automatic capture, to capture it at once) and returns the
 * payment's next state. Fails with {@code AcquirerUnavailableException} when the bank can't be reached
 * and {@code AcquirerRefusedException} when it refuses the request; then the caller changes nothing.
 */
@Component
public class PaymentAuthorizer {

    private final Acquirer bank;
    private final Clock clock;

    public PaymentAuthorizer(Acquirer bank, Clock clock) {
        this.bank = bank;
        this.clock = clock;
    }

    public Mono<StoredPayment> authorize(StoredPayment payment, boolean threeDsCompleted) {
        CardToken card = new CardToken(
                payment.card().token(),
                payment.card().maskedNumber(),
                payment.card().expiryMonth(),
                payment.card().expiryYear(),
                payment.card().holderName());
        return bank.authorize(reference(payment), card, payment.amount(), payment.currency(), threeDsCompleted)
                .flatMap(answer -> {
                    if (answer instanceof Authorization.Approved approved) {
                        return payment.capturesAutomatically()
                                ? bank.capture(approved.authorizationId(), payment.amount())
                                        // "nothing changed" must hold at the bank too: release what was just reserved
                                        .onErrorResume(
                                                Changes::nothingAtTheBank,
                                                e -> bank.voidAuthorization(approved.authorizationId())
                                                        .onErrorResume(voidFailed -> Mono.empty())
                                                        .then(Mono.error(e)))
                                        .then(Mono.fromSupplier(
                                                () -> payment.authorized(approved.authorizationId(), true, now())))
                                : Mono.just(payment.authorized(approved.authorizationId(), false, now()));
                    }
                    if (answer instanceof Authorization.Declined declined) {
                        return Mono.just(payment.declined(declined.code(), declined.message(), now()));
                    }
                    return Mono.just(payment.requiresAction(now()));
                });
    }

    /**
     * The bank's reference for this authorization request: the payment id for the first one; for a later one (a
     * confirm after a decline, with another card) the id and the version the payment was asked at. Each request is a
     * new one at the bank, and the same request sent again (a redelivered command, which reads the same version) is
     * the same one, answered with its first outcome.
     */
    static String reference(StoredPayment payment) {
        return payment.version() <= 1 ? payment.id() : payment.id() + ":" + payment.version();
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
