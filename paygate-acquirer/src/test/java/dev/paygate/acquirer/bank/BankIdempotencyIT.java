package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardInput;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;
import dev.paygate.acquirer.simulator.SimulatedCardTokenizer;
import dev.paygate.contracts.json.PaygateJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** A repeated reference executes once at the bank, however and whenever it is repeated. */
class BankIdempotencyIT {

    /** How long a step that only arranges a test may wait: a bank that never answers fails it, never hangs it. */
    static final java.time.Duration ARRANGE = java.time.Duration.ofSeconds(10);

    static final CardToken CARD = new SimulatedCardTokenizer(Clock.systemUTC())
            .tokenize(new CardInput("4111111111111111", "123", 12, 2030, "TEST CARDHOLDER"))
            .block(ARRANGE);

    BankServer bank;
    HttpAcquirer http;

    void start(Duration latency, Duration clientTimeout) {
        bank = new BankServer(BankSettings.of(latency, Duration.ZERO)).start(0);
        http = new HttpAcquirer(
                HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port()).withTimeout(clientTimeout));
    }

    /**
     * A first call (a GET: nothing in the ledger) so the timing tests measure the bank, not a cold JVM: the very first
     * request can spend its whole short timeout loading classes, and then it never reaches the bank. Through a
     * patient client of its own, since the bank takes its latency for this call too.
     */
    void warmUp() {
        try (HttpAcquirer patient = new HttpAcquirer(HttpAcquirer.Settings.of("http://127.0.0.1:" + bank.port()))) {
            StepVerifier.create(patient.refundStatus("rf_sim_approve_0_warm-up"))
                    .expectNextCount(1)
                    .verifyComplete();
        }
    }

    @AfterEach
    void close() {
        http.close();
        bank.close();
    }

    record Raw(int status, String body, String replayed) {}

    Raw post(String path, String key, String body) {
        return HttpClient.create()
                .baseUrl("http://127.0.0.1:" + bank.port())
                .headers(h -> {
                    if (key != null) {
                        h.set(BankApi.IDEMPOTENCY_KEY, key);
                    }
                })
                .post()
                .uri(path)
                .send((req, out) -> out.sendString(Mono.just(body)))
                .responseSingle((res, content) -> content.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(text -> new Raw(
                                res.status().code(), text, res.responseHeaders().get(BankApi.REPLAYED))))
                .block(Duration.ofSeconds(5));
    }

    @Test
    void aRepeatedReferenceGetsTheFirstOutcomeAndTheLedgerShowsItOnce() {
        start(Duration.ZERO, Duration.ofSeconds(2));
        Authorization first = http.authorize("p_1", CARD, 1000, "EUR", false).block(ARRANGE);
        RefundOutcome refund = http.refund(new RefundRequest("re_1", "p_1", "a", "400000**7726", 100, "EUR"))
                .block(ARRANGE);

        StepVerifier.create(http.authorize("p_1", CARD, 1000, "EUR", false))
                .expectNext(first)
                .verifyComplete();
        StepVerifier.create(http.refund(new RefundRequest("re_1", "p_1", "a", "400000**7726", 100, "EUR")))
                .expectNext(refund)
                .verifyComplete();
        String id = ((Authorization.Approved) first).authorizationId();
        http.capture(id, 1000).block(ARRANGE);
        http.capture(id, 1000).block(ARRANGE);

        assertThat(bank.ledger().entries())
                .extracting(LedgerEntry::reference, LedgerEntry::repeats)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("p_1", 1L),
                        org.assertj.core.groups.Tuple.tuple("re_1", 1L),
                        org.assertj.core.groups.Tuple.tuple(id + ":capture", 1L));
        assertThat(bank.ledger().repeats()).isEqualTo(3);
    }

    @Test
    void theLedgerIsServedForReconciliationAndRepliesSayTheyAreReplays() {
        start(Duration.ZERO, Duration.ofSeconds(2));
        String body = "{\"amount\":500}";

        Raw first = post(BankApi.AUTHORIZATIONS + "/auth_1/captures", "auth_1:capture", body);
        Raw again = post(BankApi.AUTHORIZATIONS + "/auth_1/captures", "auth_1:capture", body);
        post(BankApi.AUTHORIZATIONS + "/auth_2/voids", "auth_2:void", "");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.replayed()).isNull();
        assertThat(again).isEqualTo(new Raw(200, first.body(), "true"));
        assertThat(first.body()).isEqualTo("{\"status\":\"captured\",\"authorizationId\":\"auth_1\",\"amount\":500}");
        String ledger = HttpClient.create()
                .get()
                .uri("http://127.0.0.1:" + bank.port() + BankApi.LEDGER + "?reference=auth_1:capture")
                .responseSingle((res, content) -> content.asString())
                .block(Duration.ofSeconds(5));
        List<LedgerEntry> entries = List.of(PaygateJson.wire().readValue(ledger, LedgerEntry[].class));
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("capture");
            assertThat(e.authorizationId()).isEqualTo("auth_1");
            assertThat(e.amount()).isEqualTo(500);
            assertThat(e.outcome()).isEqualTo("captured");
            assertThat(e.repeats()).isEqualTo(1);
            assertThat(e.time()).isNotNull();
        });
    }

    @Test
    void aPostWithoutIdempotencyKeyIsRefusedAndExecutesNothing() {
        start(Duration.ZERO, Duration.ofSeconds(2));

        Raw raw = post(BankApi.AUTHORIZATIONS + "/auth_1/captures", null, "{\"amount\":500}");

        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.body()).contains("idempotency_key_missing");
        assertThat(bank.ledger().entries()).isEmpty();
        assertThat(post(BankApi.REFUNDS, "re_1", "{not json").status()).isEqualTo(400);
        assertThat(post(BankApi.AUTHORIZATIONS, "p_1", "{\"amount\":1}").status())
                .isEqualTo(400);
        assertThat(bank.ledger().entries()).isEmpty();
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndExecutesNothing() {
        start(Duration.ZERO, Duration.ofSeconds(2));
        http.capture("auth_1", 500).block(ARRANGE);

        assertThat(post(BankApi.AUTHORIZATIONS + "/auth_1/captures", "auth_1:capture", "{\"amount\":600}")
                        .status())
                .isEqualTo(422);
        StepVerifier.create(http.capture("auth_1", 600))
                .expectErrorMatches(e -> e instanceof BankRefusedException r
                        && r.status() == 422
                        && r.code().equals("idempotency_key_reused"))
                .verify(Duration.ofSeconds(5));
        // same key on another endpoint is another request too
        assertThat(post(BankApi.AUTHORIZATIONS + "/auth_1/reductions", "auth_1:capture", "{\"amount\":500}")
                        .status())
                .isEqualTo(422);
        assertThat(bank.ledger().entries())
                .singleElement()
                .satisfies(e -> assertThat(e.amount()).isEqualTo(500));
    }

    @Test
    void fiftyConcurrentIdenticalRequestsExecuteOnce() {
        start(Duration.ofMillis(150), Duration.ofSeconds(3));

        List<Authorization> answers = Flux.range(0, 50)
                .flatMap(i -> http.authorize("p_concurrent", CARD, 1000, "EUR", false), 50)
                .collectList()
                .block(Duration.ofSeconds(10));

        assertThat(answers).hasSize(50).containsOnly(answers.get(0));
        assertThat(answers.get(0)).isInstanceOf(Authorization.Approved.class);
        assertThat(bank.ledger().entries()).singleElement().satisfies(e -> {
            assertThat(e.reference()).isEqualTo("p_concurrent");
            assertThat(e.authorizationId()).isEqualTo(((Authorization.Approved) answers.get(0)).authorizationId());
            assertThat(e.repeats()).isEqualTo(49);
        });
    }

    @Test
    void aRetryAfterTheClientTimedOutGetsTheFirstOutcomeOnceTheBankHasExecutedIt() {
        start(Duration.ofMillis(700), Duration.ofMillis(400));
        warmUp();

        StepVerifier.create(http.authorize("p_slow", CARD, 1000, "EUR", false))
                .expectError(AcquirerUnavailableException.class)
                .verify(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(3))
                .until(() -> bank.ledger().entries().size() == 1);
        String executed = bank.ledger().entries().get(0).authorizationId();

        StepVerifier.create(http.authorize("p_slow", CARD, 1000, "EUR", false))
                .expectNext(new Authorization.Approved(executed))
                .verifyComplete();
        assertThat(bank.ledger().entries())
                .singleElement()
                .satisfies(e -> assertThat(e.repeats()).isEqualTo(1));
    }

    @Test
    void aRetryWhileTheFirstIsStillExecutingWaitsForItsOutcome() {
        // the retry is sent at about 800 ms and answered when the bank is done, at about 1200 ms: well within 800 ms
        start(Duration.ofMillis(1200), Duration.ofMillis(800));
        warmUp();

        StepVerifier.create(http.capture("auth_slow", 100))
                .expectError(AcquirerUnavailableException.class)
                .verify(Duration.ofSeconds(2));
        assertThat(bank.ledger().entries()).isEmpty();

        StepVerifier.create(http.capture("auth_slow", 100)).verifyComplete();
        assertThat(bank.ledger().entries()).singleElement().satisfies(e -> {
            assertThat(e.reference()).isEqualTo("auth_slow:capture");
            assertThat(e.repeats()).isEqualTo(1);
        });
    }
}
