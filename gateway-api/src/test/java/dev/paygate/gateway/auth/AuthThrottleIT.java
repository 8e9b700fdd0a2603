package dev.paygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.gateway.GatewayApplication;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Key guessing is slowed down: after 5 failed authentications from one client (bad API keys and bad operator tokens
 * alike), that client gets 429 with {@code Retry-After} — on every endpoint, the operator API included, whatever key or
 * token it sends — until its window ends. The gateway alone, on real Kafka and PostgreSQL.
 */
@SpringBootTest(
        classes = GatewayApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=gateway-api")
class AuthThrottleIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String KEY = "sk_test_" + Ids.randomBase58(32);
    static final String ADMIN = "admin-" + Ids.randomBase58(16);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("gateway_throttle_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.gateway.demo-api-key", () -> KEY);
        registry.add("paygate.gateway.auth-failure-limit", () -> "5");
        registry.add("paygate.gateway.auth-failure-window", () -> "1h");
        registry.add("paygate.gateway.admin-token", () -> ADMIN);
    }

    @LocalServerPort
    int port;

    @Test
    void repeatedBadKeysFromOneClientAreRefusedWithRetryAfter() {
        WebTestClient api = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
        // the right key gets through before (to the body's validation, which needs nothing behind the gateway)
        api.post()
                .uri("/api2/sessions")
                .header("X-Api-Key", KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("parameter_missing");

        // bad operator tokens count too (2), then bad and missing keys (3): five failures
        for (int i = 0; i < 2; i++) {
            api.post()
                    .uri("/admin/merchants")
                    .header("X-Admin-Token", "admin-guess" + i)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\": \"x\"}")
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("admin_token_invalid");
        }
        for (int i = 0; i < 2; i++) {
            api.get()
                    .uri("/api2/sessions/{id}", Ids.SESSION.next())
                    .header("X-Api-Key", "sk_test_guess" + i)
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("api_key_invalid");
        }
        api.get()
                .uri("/api2/sessions/{id}", Ids.SESSION.next())
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("api_key_missing");

        // the sixth try, with any key (the right one included), on any endpoint: 429 until the window ends
        for (String key : new String[] {"sk_test_guess5", KEY}) {
            var answer = api.post()
                    .uri("/api/v2/Payment/Transactions/{id}/cancel", Ids.transactionId())
                    .header("Authorization", "Bearer " + key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{}")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(429)
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody(String.class)
                    .returnResult();
            long retryAfter = Long.parseLong(answer.getResponseHeaders().getFirst("Retry-After"));
            assertThat(retryAfter).isBetween(3500L, 3600L);
            assertThat(answer.getResponseBody())
                    .contains("\"code\":\"too_many_failed_authentications\"")
                    .doesNotContain(KEY);
        }
        // the operator API too, even with the right token: no merchant is made
        api.post()
                .uri("/admin/merchants")
                .header("X-Admin-Token", ADMIN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"x\"}")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists("Retry-After")
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("too_many_failed_authentications");
    }

    @org.springframework.beans.factory.annotation.Autowired
    MerchantStore merchants;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Test
    void anActiveKeyIsReadOnceForItsCacheTimeAndARevocationHereForgetsItAtOnce() {
        String merchant = Ids.MERCHANT.next();
        String key = "sk_test_" + Ids.randomBase58(32);
        merchants
                .createMerchant(merchant, "cached")
                .then(merchants.addKey(merchant, key))
                .block(Duration.ofSeconds(10));
        assertThat(merchants.findByKey(key).block(Duration.ofSeconds(10)))
                .extracting(MerchantStore.Merchant::id)
                .isEqualTo(merchant);

        // revoked behind this instance's back (as another gateway instance would): kept here for the cache time
        db.sql("UPDATE api_keys SET revoked_at = now() WHERE key_hash = :hash")
                .bind("hash", ApiKeyHasher.hash(key))
                .fetch()
                .rowsUpdated()
                .block(Duration.ofSeconds(10));
        assertThat(merchants.findByKey(key).block(Duration.ofSeconds(10))).isNotNull();
        // a store that keeps nothing reads the key every time
        assertThat(new MerchantStore(db, Duration.ZERO).findByKey(key).block(Duration.ofSeconds(10)))
                .isNull();

        // a revocation through this instance forgets what it kept
        String other = Ids.API_KEY.next();
        merchants.revokeKey(other).block(Duration.ofSeconds(10));
        assertThat(merchants.findByKey(key).block(Duration.ofSeconds(10))).isNull();
    }
}
