package dev.paygate.refund;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.refund.store.RefundStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * The ops console's read of refunds pending for long, over HTTP on real PostgreSQL: across merchants, oldest first,
 * aged from creation (not from the janitor's last look), pending ones only.
 */
// closed after its tests: its consumers share the group "refund-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = RefundServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=refund-service")
class PendingRefundsIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("refund_ops_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        // the janitor must not settle the test's pending refunds while the test reads them
        registry.add("paygate.refunds.pending-age", () -> "1h");
    }

    @LocalServerPort
    int port;

    @Autowired
    RefundStore refunds;

    @Autowired
    PaymentMirror payments;

    WebTestClient api;

    @BeforeEach
    void client() {
        api = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    String refund(String merchant, String status, Duration age, long amount) {
        String payment = Ids.PAYMENT.next();
        StepVerifier.create(payments.upsert(payment, merchant, "EUR", "succeeded", 10_000, "411111**1111", 3))
                .verifyComplete();
        Instant created = Instant.now().minus(age);
        String id = Ids.REFUND.next();
        // touched just now, as the janitor does on each look: the age still counts from creation
        StoredRefund refund = new StoredRefund(
                id,
                payment,
                merchant,
                amount,
                "EUR",
                status,
                null,
                Map.of(),
                null,
                "private note",
                null,
                1,
                created,
                Instant.now());
        StepVerifier.create(refunds.insert(refund)).expectNext(true).verifyComplete();
        return id;
    }

    JsonNode pending(String query) {
        return PaygateJson.wire()
                .readTree(api.get()
                        .uri("/internal/ops/pending-refunds?" + query)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody());
    }

    static List<JsonNode> rowsOf(JsonNode answer, String... merchants) {
        List<String> wanted = List.of(merchants);
        return StreamSupport.stream(answer.get("data").spliterator(), false)
                .filter(r -> wanted.contains(r.get("merchantId").asString()))
                .toList();
    }

    @Test
    void refundsPendingLongerThanTheThresholdAreListedAcrossMerchantsOldestFirst() {
        String shopA = Ids.MERCHANT.next();
        String shopB = Ids.MERCHANT.next();
        String oldA = refund(shopA, "pending", Duration.ofHours(3), 700);
        String olderB = refund(shopB, "pending", Duration.ofHours(5), 900);
        refund(shopA, "pending", Duration.ofMinutes(5), 100);
        refund(shopA, "succeeded", Duration.ofHours(4), 200);
        refund(shopB, "failed", Duration.ofHours(4), 300);

        JsonNode answer = pending("olderThanSeconds=3600&limit=100");

        assertThat(answer.get("olderThanSeconds").asLong()).isEqualTo(3600);
        List<JsonNode> rows = rowsOf(answer, shopA, shopB);
        assertThat(rows).extracting(r -> r.get("id").asString()).containsExactly(olderB, oldA);
        JsonNode first = rows.get(0);
        assertThat(first.get("merchantId").asString()).isEqualTo(shopB);
        assertThat(first.get("amount").asLong()).isEqualTo(900);
        assertThat(first.get("currency").asString()).isEqualTo("EUR");
        assertThat(first.get("ageSeconds").asLong()).isBetween(5 * 3600L - 5, 5 * 3600L + 60);
        assertThat(first.has("paymentId")).isTrue();
        assertThat(answer.toString()).doesNotContain("private note");
        assertThat(answer.get("total").asLong()).isGreaterThanOrEqualTo(2);

        // a lower threshold takes in the recent one too; a higher one leaves the 3-hour one out
        assertThat(rowsOf(pending("olderThanSeconds=60&limit=100"), shopA, shopB))
                .hasSize(3);
        assertThat(rowsOf(pending("olderThanSeconds=" + 4 * 3600 + "&limit=100"), shopA, shopB))
                .extracting(r -> r.get("id").asString())
                .containsExactly(olderB);
    }

    @Test
    void theLimitCutsTheListButNotTheTotal() {
        String shop = Ids.MERCHANT.next();
        refund(shop, "pending", Duration.ofHours(30 * 24 - 1), 1);
        refund(shop, "pending", Duration.ofHours(30 * 24 - 2), 2);

        JsonNode answer = pending("olderThanSeconds=" + (30 * 24 - 3) * 3600 + "&limit=1");

        assertThat(answer.get("data").size()).isEqualTo(1);
        assertThat(answer.get("total").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aBadThresholdOrLimitIsRefused() {
        for (String query : List.of(
                "olderThanSeconds=-1",
                "olderThanSeconds=x",
                "limit=5",
                "olderThanSeconds=60&limit=0",
                "olderThanSeconds=60&limit=101",
                "olderThanSeconds=99999999")) {
            api.get()
                    .uri("/internal/ops/pending-refunds?" + query)
                    .exchange()
                    .expectStatus()
                    .isBadRequest();
        }
    }
}
