package dev.paygate.payment.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;
import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.payment.lifecycle.domain.StoredPayment;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** When the bank approves but then fails to capture, the reservation is released before answering 502. */
class PaymentAuthorizerTest {

    /** A bank that approves, fails every capture, and remembers what it was asked to void. */
    static final class CaptureFailingBank implements Acquirer {
        final List<String> voided = new ArrayList<>();

        public Mono<Authorization> authorize(
                String reference, CardToken card, long amount, String currency, boolean threeDs) {
            return Mono.just(new Authorization.Approved("auth_1"));
        }

        public Mono<Void> capture(String authorizationId, long amount) {
            return Mono.error(new AcquirerUnavailableException("capture timed out"));
        }

        public Mono<Void> reduceAuthorization(String authorizationId, long amount) {
            return Mono.error(new UnsupportedOperationException());
        }

        public Mono<Void> voidAuthorization(String authorizationId) {
            return Mono.fromRunnable(() -> voided.add(authorizationId));
        }

        public Mono<RefundOutcome> refund(RefundRequest refund) {
            return Mono.error(new UnsupportedOperationException());
        }

        public Mono<RefundOutcome> refundStatus(String reference) {
            return Mono.error(new UnsupportedOperationException());
        }
    }

    @Test
    void aFailedAutomaticCaptureVoidsTheAuthorization() {
        CaptureFailingBank bank = new CaptureFailingBank();
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
        StoredPayment payment = StoredPayment.create(
                "p_1",
                "mer_1",
                "PCI_X",
                1000,
                "EUR",
                "automatic",
                new CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "X"),
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                Payment.PaymentMethodOptions.DEFAULT,
                null,
                clock.instant());

        StepVerifier.create(new PaymentAuthorizer(bank, clock).authorize(payment, false))
                .expectError(AcquirerUnavailableException.class)
                .verify();

        assertThat(bank.voided).containsExactly("auth_1");
    }
}
