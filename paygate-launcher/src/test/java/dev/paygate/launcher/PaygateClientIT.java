package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.client.Outcome;
import dev.paygate.client.PaygateClient;
import dev.paygate.client.PaygateException;
import dev.paygate.client.RetryEvent;
import dev.paygate.client.RetryPolicy;
import dev.paygate.client.model.CardInputJson;
import dev.paygate.client.model.CreatePaymentRequest;
import dev.paygate.client.model.CreateRefundRequest;
import dev.paygate.client.model.CreateSessionRequest;
import dev.paygate.client.model.PaySessionRequest;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.PaymentMethodInput;
import dev.paygate.client.model.Refund;
import dev.paygate.client.model.ReverseRefundRequest;
import dev.paygate.client.model.Session;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** paygate-client against the running stack: real gateway, Kafka, PostgreSQL and simulated bank. */
class PaygateClientIT {

    private static final String KEY = TestStack.newMerchantKey("client-it");

    private static PaygateClient client(RetryPolicy policy, java.util.function.Consumer<RetryEvent> onRetry) {
        return PaygateClient.builder()
                .baseUrl(TestStack.gatewayUrl())
                .apiKey(KEY)
                .apiVersion("2023-10-31")
                .retryPolicy(policy)
                .onRetry(onRetry)
                .build();
    }

    private static void deleteOutage() {
        try {
            Files.deleteIfExists(TestStack.BANK_OUTAGE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static CreatePaymentRequest payment(String card, long amount, String description) {
        return new CreatePaymentRequest()
                .amount(amount)
                .currency("EUR")
                .confirm(true)
                .description(description)
                .paymentMethod(new PaymentMethodInput()
                        .type("card")
                        .card(new CardInputJson()
                                .number(card)
                                .cvc("123")
                                .expiryMonth(12)
                                .expiryYear(2030)));
    }

    @Test
    void aPaymentRetriedThroughABankOutageIsMadeExactlyOnce() throws Exception {
        List<RetryEvent> retries = new CopyOnWriteArrayList<>();
        // the bank comes back as soon as a payment has met it down: the client's next attempt finds it up
        PaygateClient patient =
                client(new RetryPolicy(20, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ZERO), retry -> {
                    retries.add(retry);
                    deleteOutage();
                });
        String description;
        Outcome<Payment> outcome;
        Files.writeString(TestStack.BANK_OUTAGE, "down");
        try {
            // the switch is read at most every 100 ms: a payment made before the bank saw it down is not this test's
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            do {
                assertThat(System.nanoTime()).as("a payment met the bank down").isLessThan(giveUp);
                retries.clear();
                description = "outage-" + System.nanoTime();
                outcome = patient.payments().create(payment("4111111111111111", 4_200, description));
            } while (retries.isEmpty());
        } finally {
            deleteOutage();
        }

        String key = outcome.idempotencyKey();
        Payment payment = outcome.await();
        assertThat(payment.getStatus()).isEqualTo("succeeded");
        assertThat(payment.getAmountReceived()).isEqualTo(4_200L);
        assertThat(retries).isNotEmpty().allSatisfy(r -> {
            assertThat(r.request()).isEqualTo("POST /api2/payments");
            assertThat(r.failure().status()).isEqualTo(502);
            assertThat(r.failure().code()).isEqualTo("acquirer_unavailable");
            assertThat(r.failure().idempotencyKey()).isEqualTo(key);
        });
        // one effect: one payment, one authorization's worth of events
        assertThat(TestStack.count("SELECT count(*) FROM payment.payments WHERE description = '" + description + "'"))
                .isEqualTo(1);
        assertThat(TestStack.count("SELECT count(*) FROM payment.outbox WHERE aggregate_id = '" + payment.getId()
                        + "' AND aggregate_type <> 'reply' AND type LIKE '%payment.succeeded'"))
                .isEqualTo(1);
        // and the key answers the same payment again
        Payment again = patient.payments()
                .create(payment("4111111111111111", 4_200, description), key)
                .value();
        assertThat(again.getId()).isEqualTo(payment.getId());
    }

    @Test
    void aDeclineIsAnAnswerNotSentAgain() {
        List<RetryEvent> retries = new CopyOnWriteArrayList<>();
        PaygateClient client = client(RetryPolicy.defaults(), retries::add);

        assertThatThrownBy(() -> client.payments().create(payment("4000000000000002", 1_000, "declined")))
                .isInstanceOfSatisfying(PaygateException.class, e -> {
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(e.code()).isEqualTo("card_declined");
                    assertThat(e.problem().getPayment().getStatus()).isEqualTo("requiresPaymentMethod");
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getMessage()).doesNotContain("4000000000000002");
                });
        assertThat(retries).isEmpty();
    }

    @Test
    void refundsArePagedNewestFirstAndAPendingRefundIsAwaitedToItsEnd() {
        PaygateClient client = client(RetryPolicy.defaults(), retry -> {});
        Payment payment = client.payments()
                .create(payment("4000000000007726", 3_000, "paged"))
                .await();

        List<String> created = new java.util.ArrayList<>();
        for (long amount : new long[] {100, 200, 300}) {
            Refund refund = client.refunds()
                    .create(new CreateRefundRequest().paymentId(payment.getId()).amount(amount))
                    .await();
            assertThat(refund.getStatus()).isEqualTo("pending"); // this card's refunds stay pending a while
            created.add(0, refund.getId());
        }

        assertThat(client.refunds().list(payment.getId(), 2).map(Refund::getId)).containsExactlyElementsOf(created);
        Refund settled = client.refunds().awaitSettled(created.get(0), Duration.ofSeconds(30));
        assertThat(settled.getStatus()).isEqualTo("succeeded");
        assertThat(settled.getVersion()).isGreaterThan(1L);
        Refund reversed = client.refunds()
                .testReverse(settled.getId(), new ReverseRefundRequest())
                .await();
        assertThat(reversed.getStatus()).isEqualTo("failed");
        // 3,000 received, 100 + 200 refunded, the 300 reversed: 2,700 left, and not a cent more

        assertThatThrownBy(() -> client.refunds()
                        .create(new CreateRefundRequest()
                                .paymentId(payment.getId())
                                .amount(2_701L)))
                .isInstanceOfSatisfying(PaygateException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("amount_exceeds_refundable");
                    assertThat(e.attempts()).isEqualTo(1);
                });
    }

    @Test
    void aSessionIsPaidAnotherExpired() {
        PaygateClient client = client(RetryPolicy.defaults(), retry -> {});
        CreateSessionRequest request = new CreateSessionRequest()
                .amount(990L)
                .currency("eur")
                .successUrl("https://shop.example/ok")
                .failureUrl("https://shop.example/failed");
        Session paid = client.sessions().create(request).await();
        Session open = client.sessions().create(request).await();
        assertThat(open.getStatus()).isEqualTo("open");
        assertThat(open.getCurrency()).isEqualTo("EUR");

        Session completed = client.sessions()
                .pay(
                        paid.getId(),
                        new PaySessionRequest()
                                .paymentMethod(
                                        payment("4111111111111111", 990, null).getPaymentMethod()))
                .await();
        Session expired = client.sessions().expire(open.getId()).await();

        assertThat(completed.getStatus()).isEqualTo("completed");
        assertThat(client.payments().get(completed.getPaymentId()).getAmountReceived())
                .isEqualTo(990L);
        assertThat(expired.getStatus()).isEqualTo("expired");
        assertThat(client.sessions().get(open.getId()).getVersion()).isEqualTo(expired.getVersion());
    }
}
