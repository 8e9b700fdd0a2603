package dev.paygate.gateway.hosted;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Session;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.gateway.GatewayApplication;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The hosted page's edges that the whole stack can't easily show: the gateway on real Kafka and PostgreSQL,
 * payment-service's internal read API played by a small HTTP server, and nobody answering commands. A payment
 * whose outcome is unknown in time shows a "being processed" page (202); a session still {@code open} past its
 * {@code expiresAt} (its expiry not yet run) is shown as expired; payment-service down shows a 503 page.
 */
@SpringBootTest(
        classes = GatewayApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=gateway-api")
class HostedPageGatewayIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final Map<String, String> SESSIONS = new ConcurrentHashMap<>();
    static final HttpServer PAYMENT_SERVICE = paymentService();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("gateway_hosted_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.gateway.demo-api-key", () -> "sk_test_" + Ids.randomBase58(32));
        registry.add("paygate.gateway.reply-timeout", () -> "1s");
        registry.add(
                "paygate.gateway.payment-url",
                () -> "http://127.0.0.1:" + PAYMENT_SERVICE.getAddress().getPort());
    }

    @LocalServerPort
    int port;

    @Autowired
    dev.paygate.gateway.command.CommandBus commandBus;

    static HttpServer paymentService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/internal/hosted-sessions/", exchange -> {
                try (exchange) {
                    String id = exchange.getRequestURI().getPath().substring("/internal/hosted-sessions/".length());
                    String json = SESSIONS.get(id);
                    if (json == null || json.equals("broken")) {
                        exchange.sendResponseHeaders(json == null ? 404 : 500, -1);
                        return;
                    }
                    byte[] body = json.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        PAYMENT_SERVICE.stop(0);
    }

    static String session(Instant expiresAt) {
        String id = Ids.SESSION.next();
        Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
        Session s = new Session(
                id,
                990,
                created,
                "EUR",
                CustomerDetails.EMPTY,
                expiresAt,
                "https://shop.example/failure",
                "EN",
                "ref-1",
                Map.of(),
                new Session.PaymentData("automatic"),
                Session.PAYMENT_UNPAID,
                Session.STATUS_OPEN,
                "https://shop.example/success",
                null,
                1);
        SESSIONS.put(id, PaygateJson.wire().writeValueAsString(Map.of("merchantId", "m_test", "session", s)));
        return id;
    }

    WebTestClient payer() {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    EntityExchangeResult<String> post(String id) {
        return payer().post()
                .uri("/pay/" + id)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("cardNumber=4111111111111111&expiryMonth=12&expiryYear=2030&cvc=123")
                .exchange()
                .expectBody(String.class)
                .returnResult();
    }

    @Test
    void aPaymentWhoseOutcomeIsNotKnownInTimeShowsItIsBeingProcessed() throws Exception {
        assertThat(commandBus.awaitReplyAssignment(Duration.ofSeconds(30))).isTrue();
        String id = session(Instant.now().plusSeconds(600));
        EntityExchangeResult<String> page = post(id);
        assertThat(page.getStatus().value()).isEqualTo(202);
        assertThat(page.getResponseHeaders().getCacheControl()).isEqualTo("no-store");
        assertThat(page.getResponseBody())
                .contains("Your payment is being processed", "href=\"/pay/" + id + "\"")
                .doesNotContain("<form", "4111111111111111");
    }

    @Test
    void aSessionStillOpenPastItsExpiryIsShownAsExpired() {
        String id = session(Instant.now().minusSeconds(1));
        for (EntityExchangeResult<String> page : java.util.List.of(
                payer().get()
                        .uri("/pay/" + id)
                        .exchange()
                        .expectBody(String.class)
                        .returnResult(),
                post(id))) {
            assertThat(page.getStatus().value()).isEqualTo(410);
            assertThat(page.getResponseBody())
                    .contains("This payment page has expired")
                    .doesNotContain("<form");
        }
    }

    @Test
    void paymentServiceDownShowsAPageNotAnError() {
        String id = Ids.SESSION.next();
        SESSIONS.put(id, "broken");
        EntityExchangeResult<String> page = payer().get()
                .uri("/pay/" + id)
                .exchange()
                .expectBody(String.class)
                .returnResult();
        assertThat(page.getStatus().value()).isEqualTo(503);
        assertThat(page.getResponseHeaders().getContentType().isCompatibleWith(MediaType.TEXT_HTML))
                .isTrue();
        assertThat(page.getResponseBody()).contains("Payments are unavailable right now");
        assertThat(post(id).getStatus().value()).isEqualTo(503);
    }
}
