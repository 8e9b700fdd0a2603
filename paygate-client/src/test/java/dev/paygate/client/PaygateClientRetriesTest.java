package dev.paygate.client;

import static dev.paygate.client.ScriptedApi.DROP;
import static dev.paygate.client.ScriptedApi.json;
import static dev.paygate.client.ScriptedApi.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.client.model.CreatePaymentRequest;
import dev.paygate.client.model.CreateRefundRequest;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.Refund;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the client sends again, with which key, and when; against scripted answers (see {@link ScriptedApi}). */
class PaygateClientRetriesTest {

    private static final String PAYMENT =
            "{\"id\":\"p_1\",\"amount\":1500,\"currency\":\"EUR\",\"status\":\"succeeded\","
                    + "\"version\":2,\"someFieldAddedLater\":true}";
    private static final RetryPolicy FAST =
            new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5));

    private final ScriptedApi api = new ScriptedApi();
    private final List<RetryEvent> retries = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        api.close();
    }

    private PaygateClient client(RetryPolicy policy) {
        return PaygateClient.builder()
                .baseUrl(api.url())
                .apiKey("sk_test_scripted")
                .retryPolicy(policy)
                .requestTimeout(Duration.ofSeconds(5))
                .onRetry(retries::add)
                .build();
    }

    private static CreatePaymentRequest payment() {
        return new CreatePaymentRequest().amount(1500L).currency("EUR");
    }

    @Test
    void aWriteIsSentAgainWithTheSameKeyThroughTheAnswersThatChangedNothing() {
        api.then(
                problem(503, "overloaded", "1"),
                problem(429, "too_many_requests"),
                problem(409, "idempotency_key_in_use"),
                problem(502, "acquirer_unavailable"),
                json(200, PAYMENT));

        Outcome<Payment> outcome = client(FAST).payments().create(payment());

        assertThat(outcome.pending()).isFalse();
        assertThat(outcome.value().getId()).isEqualTo("p_1");
        List<ScriptedApi.Request> sent = api.requests();
        assertThat(sent).hasSize(5);
        assertThat(sent).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/api2/payments");
            assertThat(r.header("X-Api-Key")).isEqualTo("sk_test_scripted");
        });
        assertThat(sent.stream().map(r -> r.header("Idempotency-Key")).collect(Collectors.toSet()))
                .containsExactly(outcome.idempotencyKey());
        assertThat(outcome.idempotencyKey()).isNotBlank();
        // Retry-After: 1 was honoured, though the policy's backoff is at most 40 ms
        assertThat(Duration.ofNanos(sent.get(1).arrivedNanos() - sent.get(0).arrivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(retries).extracting(r -> r.failure().status()).containsExactly(503, 429, 409, 502);
        assertThat(retries).extracting(RetryEvent::attempt).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aServerErrorOrGatewayTimeoutIsSentAgainWithTheSameKey() {
        api.then(problem(500, "internal_error"), json(504, "{}"), json(200, PAYMENT));

        Outcome<Payment> outcome = client(FAST).payments().create(payment());

        assertThat(outcome.value().getId()).isEqualTo("p_1");
        assertThat(api.requests()).hasSize(3);
        assertThat(api.requests()).extracting(r -> r.header("Idempotency-Key")).containsOnly(outcome.idempotencyKey());
    }

    @Test
    void anAnswerThatCannotBeReadIsNotSentAgain() {
        api.then(json(200, "{\"id\": [not json"), json(200, PAYMENT));

        assertThatThrownBy(() -> client(FAST).payments().create(payment()))
                .isInstanceOfSatisfying(PaygateException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.noAnswer()).isFalse();
                    assertThat(e.getMessage()).contains("could not be read");
                });
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aRefusalCarriesItsProblemButNotTheWholeBodyInItsCauses() {
        api.then(new ScriptedApi.Answer(
                402,
                java.util.Map.of(),
                "{\"status\":402,\"code\":\"card_declined\",\"payment\":{\"id\":\"p_1\",\"customerDetails\":"
                        + "{\"email\":\"payer@example.com\"}}}"));

        assertThatThrownBy(() -> client(FAST).payments().create(payment()))
                .isInstanceOfSatisfying(PaygateException.class, e -> {
                    assertThat(e.problem().getPayment().getId()).isEqualTo("p_1");
                    assertThat(e.getCause()).isNull();
                    java.io.StringWriter trace = new java.io.StringWriter();
                    e.printStackTrace(new java.io.PrintWriter(trace));
                    assertThat(trace.toString()).doesNotContain("payer@example.com", "sk_test_scripted");
                });
    }

    @Test
    void aDeleteWhoseFirstAnswerWasLostIsDoneWhenTheRetryFindsNothing() {
        api.then(DROP, problem(404, "resource_missing"));

        var deleted = client(FAST).webhookEndpoints().delete("we_1");

        assertThat(deleted.getId()).isEqualTo("we_1");
        assertThat(deleted.getDeleted()).isTrue();
        assertThat(api.requests()).extracting(ScriptedApi.Request::method).containsExactly("DELETE", "DELETE");

        api.then(problem(404, "resource_missing"));
        assertThatThrownBy(() -> client(FAST).webhookEndpoints().delete("we_2"))
                .as("a 404 at the first attempt is a 404")
                .isInstanceOfSatisfying(
                        PaygateException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void awaitingIsBoundedByItsTimeoutEvenWhileRetrying() {
        api.then(json(202, "{\"id\":\"p_1\"}"));
        for (int i = 0; i < 50; i++) {
            api.then(problem(503, "overloaded", "2"));
        }
        Outcome<Payment> outcome = client(FAST).payments().create(payment());
        long started = System.nanoTime();

        assertThatThrownBy(() -> outcome.await(Duration.ofMillis(500))).isInstanceOf(PaygateException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_900));
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsSentAgainWithTheSameKey() {
        api.then(DROP, json(200, PAYMENT));

        Outcome<Payment> outcome = client(FAST).payments().create(payment());

        assertThat(outcome.value().getStatus()).isEqualTo("succeeded");
        assertThat(api.requests()).extracting(r -> r.header("Idempotency-Key")).containsOnly(outcome.idempotencyKey());
        assertThat(api.requests()).hasSize(2);
        assertThat(retries)
                .singleElement()
                .satisfies(r -> assertThat(r.failure().status()).isZero());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "400, parameter_invalid",
        "401, api_key_invalid",
        "402, card_declined",
        "404, resource_missing",
        "409, payment_invalid_status",
        "413, body_too_large",
        "422, idempotency_key_reused",
        "502, acquirer_refused"
    })
    void aRefusalIsNotSentAgain(int status, String code) {
        api.then(problem(status, code), json(200, PAYMENT));

        assertThatThrownBy(() -> client(FAST).payments().create(payment()))
                .isInstanceOfSatisfying(PaygateException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.idempotencyKey()).isNotBlank();
                });
        assertThat(api.requests()).hasSize(1);
        assertThat(retries).isEmpty();
    }

    @Test
    void itGivesUpAfterTheLastAttemptWithTheLastAnswer() {
        api.then(problem(503, "service_unavailable"), problem(503, "service_unavailable"), problem(503, "x"));

        assertThatThrownBy(() -> client(FAST.withMaxAttempts(3)).payments().create(payment()))
                .isInstanceOfSatisfying(PaygateException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("x");
                    assertThat(e.attempts()).isEqualTo(3);
                });
        assertThat(api.requests()).hasSize(3);
    }

    @Test
    void aRetryAfterLongerThanThePolicyWaitsForEndsTheCallAndSaysWhenToComeBack() {
        api.then(problem(429, "too_many_failed_authentications", "120"), json(200, PAYMENT));

        assertThatThrownBy(() -> client(FAST).payments().create(payment()))
                .isInstanceOfSatisfying(PaygateException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
                });
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void a202IsPendingAndAwaitingItAsksWithTheSameKeyUntilTheFinalAnswer() {
        api.then(
                json(202, "{\"id\":\"p_1\"}"),
                problem(409, "idempotency_key_in_use"),
                json(202, "{\"id\":\"p_1\"}"),
                json(200, PAYMENT));

        Outcome<Payment> outcome = client(FAST).payments().create(payment());

        assertThat(outcome.pending()).isTrue();
        assertThat(outcome.value().getId()).isEqualTo("p_1");
        assertThat(outcome.value().getStatus()).isNull();
        Payment done = outcome.await(Duration.ofSeconds(10));
        assertThat(done.getStatus()).isEqualTo("succeeded");
        assertThat(api.requests()).hasSize(4);
        assertThat(api.requests()).extracting(r -> r.header("Idempotency-Key")).containsOnly(outcome.idempotencyKey());
    }

    @Test
    void awaitingAPendingWriteEndsWithItsRefusalOrAtTheTimeout() {
        api.then(json(202, "{\"id\":\"re_1\"}"), problem(409, "amount_exceeds_refundable"));
        Outcome<Refund> refused = client(FAST).refunds().create(new CreateRefundRequest().paymentId("p_1"));
        assertThatThrownBy(refused::await)
                .isInstanceOfSatisfying(
                        PaygateException.class, e -> assertThat(e.code()).isEqualTo("amount_exceeds_refundable"));

        for (int i = 0; i < 100; i++) {
            api.then(json(202, "{\"id\":\"re_2\"}"));
        }
        Outcome<Refund> slow = client(FAST).refunds().create(new CreateRefundRequest().paymentId("p_1"));
        assertThatThrownBy(() -> slow.await(Duration.ofMillis(300)))
                .isInstanceOfSatisfying(
                        PaygateException.class, e -> assertThat(e.status()).isEqualTo(202));
    }

    @Test
    void everyWriteHasAKeyOfItsOwnUnlessGivenOne() {
        api.then(json(200, PAYMENT), json(200, PAYMENT), json(200, PAYMENT));
        PaygateClient client = client(FAST);

        String first = client.payments().create(payment()).idempotencyKey();
        String second = client.payments().create(payment()).idempotencyKey();
        String own = client.payments().create(payment(), "order-4711").idempotencyKey();

        assertThat(first).isNotEqualTo(second);
        assertThat(own).isEqualTo("order-4711");
        assertThat(api.requests())
                .extracting(r -> r.header("Idempotency-Key"))
                .containsExactly(first, second, "order-4711");
    }

    @Test
    void aReadIsSentAgainWithoutAKey() {
        api.then(problem(503, "service_unavailable"), DROP, json(200, PAYMENT));

        Payment payment = client(FAST).payments().get("p_1");

        assertThat(payment.getVersion()).isEqualTo(2L);
        assertThat(api.requests()).hasSize(3).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo("/api2/payments/p_1");
            assertThat(r.header("Idempotency-Key")).isNull();
        });
    }

    @Test
    void aListIsReadPageByPageAsItIsConsumed() {
        api.then(
                json(200, "{\"data\":[{\"id\":\"re_3\"},{\"id\":\"re_2\"}],\"hasMore\":true}"),
                json(200, "{\"data\":[{\"id\":\"re_1\"}],\"hasMore\":false}"));
        PaygateClient client = client(FAST);
        AtomicInteger pagesBeforeFirst = new AtomicInteger();

        var refunds = client.refunds().list("p_1", 2).iterator();
        assertThat(api.requests()).isEmpty(); // lazy: nothing fetched yet
        assertThat(refunds.next().getId()).isEqualTo("re_3");
        pagesBeforeFirst.set(api.requests().size());
        assertThat(refunds.next().getId()).isEqualTo("re_2");
        assertThat(refunds.next().getId()).isEqualTo("re_1");
        assertThat(refunds.hasNext()).isFalse();

        assertThat(pagesBeforeFirst).hasValue(1);
        assertThat(api.requests())
                .extracting(ScriptedApi.Request::query)
                .containsExactly("limit=2", "limit=2&startingAfter=re_2");
    }
}
