package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.client.PaygateClient;
import dev.paygate.client.model.CreateRefundRequest;
import dev.paygate.client.model.CreateWebhookEndpointRequest;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.Refund;
import dev.paygate.client.model.UpdateWebhookEndpointRequest;
import dev.paygate.client.model.WebhookDelivery;
import dev.paygate.client.model.WebhookEndpoint;
import dev.paygate.client.webhooks.JdbcProcessedWebhooks;
import dev.paygate.client.webhooks.JdbcResourceVersions;
import dev.paygate.client.webhooks.PaygateEvent;
import dev.paygate.client.webhooks.WebhookInbox;
import dev.paygate.client.webhooks.WebhookVerifier;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.devinfra.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunctions;
import reactor.netty.DisposableServer;

/**
 * The webhook consumer kit end to end: the stack's real, signed webhooks into the docs' example receivers — the
 * WebFlux one ({@link PaygateWebhookRoutes}, on the JDBC stores) and the ten-line integration ({@link ShopIntegration})
 * — and the docs show exactly the code tested here.
 */
class WebhookKitIT {

    private static PaygateClient client() {
        return PaygateClient.create(TestStack.gatewayUrl(), TestStack.newMerchantKey("kit-it"));
    }

    static PGSimpleDataSource dataSource() {
        Infrastructure infra = DevInfrastructure.shared();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(TestStack.jdbcUrl());
        dataSource.setUser(infra.dbUser());
        dataSource.setPassword(infra.dbPassword());
        return dataSource;
    }

    @Test
    void theWebFluxReceiverGetsEachEventOnceTypedAndRefusesWhatPaygateDidNotSign() throws Exception {
        PaygateClient paygate = client();
        List<PaygateEvent> handled = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<ReactorHttpHandlerAdapter> handler =
                new java.util.concurrent.atomic.AtomicReference<>();
        DisposableServer server = reactor.netty.http.server.HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> handler.get().apply(request, response))
                .bindNow();
        try {
            String url = "http://127.0.0.1:" + server.port() + "/paygate/webhooks";
            WebhookEndpoint endpoint = paygate.webhookEndpoints()
                    .create(new CreateWebhookEndpointRequest().url(url).enabledEvents(List.of("*")))
                    .await();
            PGSimpleDataSource dataSource = dataSource();
            WebhookInbox inbox = new WebhookInbox(
                    new WebhookVerifier(endpoint.getSecret()),
                    new JdbcProcessedWebhooks(dataSource).createTableIfMissing(),
                    new JdbcResourceVersions(dataSource).createTableIfMissing());
            handler.set(new ReactorHttpHandlerAdapter(
                    RouterFunctions.toHttpHandler(new PaygateWebhookRoutes(inbox, handled::add).routes())));

            Payment payment = paygate.payments()
                    .create(PaygateClientIT.payment("4111111111111111", 2_000, "kit"))
                    .await();
            Refund refund = paygate.refunds()
                    .create(new CreateRefundRequest().paymentId(payment.getId()).amount(700L))
                    .await();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(handled)
                        .filteredOn(e -> e instanceof PaygateEvent.PaymentEvent p
                                && p.payment().getId().equals(payment.getId())
                                && "succeeded".equals(p.payment().getStatus()))
                        .isNotEmpty();
                assertThat(handled)
                        .filteredOn(e -> e instanceof PaygateEvent.RefundEvent r
                                && r.refund().getId().equals(refund.getId())
                                && "succeeded".equals(r.refund().getStatus()))
                        .singleElement()
                        .satisfies(e -> assertThat(
                                        ((PaygateEvent.RefundEvent) e).refund().getAmount())
                                .isEqualTo(700L));
            });
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> paygate.webhookEndpoints()
                            .deliveries(endpoint.getId(), "pending")
                            .findAny()
                            .isEmpty());
            assertThat(handled).extracting(PaygateEvent::id).doesNotHaveDuplicates();

            // what arrived is what the events API has
            String refundEvent = handled.stream()
                    .filter(e -> e instanceof PaygateEvent.RefundEvent r
                            && r.refund().getId().equals(refund.getId()))
                    .findFirst()
                    .orElseThrow()
                    .id();
            assertThat(paygate.events().list("refund.updated").map(PaygateEvent::id))
                    .contains(refundEvent);
            assertThat(paygate.events().get(refundEvent))
                    .isInstanceOfSatisfying(
                            PaygateEvent.RefundEvent.class,
                            e -> assertThat(e.refund().getId()).isEqualTo(refund.getId()));

            // Paygate sends a delivery again (an operator's replay): the receiver acknowledges it and does nothing
            WebhookDelivery delivered = paygate.webhookEndpoints()
                    .deliveries(endpoint.getId(), "succeeded")
                    .findFirst()
                    .orElseThrow();
            WebhookDelivery replayed =
                    paygate.webhookEndpoints().retryDelivery(delivered.getId()).await();
            assertThat(replayed.getEventId()).isEqualTo(delivered.getEventId());
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(paygate.webhookEndpoints()
                                    .delivery(delivered.getId())
                                    .getAttempts())
                            .hasSizeGreaterThan(delivered.getAttempts().size())
                            .last()
                            .satisfies(a -> assertThat(a.getStatusCode()).isEqualTo(200)));
            assertThat(handled)
                    .filteredOn(e -> e.id().equals(delivered.getEventId()))
                    .hasSize(1);
            assertThat(TestStack.count("SELECT count(*) FROM paygate_processed_webhooks WHERE webhook_id = '"
                            + delivered.getEventId() + "' AND done"))
                    .isEqualTo(1);

            // the endpoint's secret rotated: Paygate signs with the new and the old one for 24 hours, so the receiver
            // (still on the old one) gets the next event as before
            WebhookEndpoint rotated =
                    paygate.webhookEndpoints().rotateSecret(endpoint.getId()).await();
            assertThat(rotated.getSecret()).isNotEqualTo(endpoint.getSecret());
            Refund second = paygate.refunds()
                    .create(new CreateRefundRequest().paymentId(payment.getId()).amount(300L))
                    .await();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(handled)
                            .anyMatch(e -> e instanceof PaygateEvent.RefundEvent r
                                    && r.refund().getId().equals(second.getId())));

            // a request Paygate did not sign is refused (400) and handed to no one
            HttpResponse<String> forged = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("webhook-id", "evt_forged")
                                    .header("webhook-timestamp", Long.toString(System.currentTimeMillis() / 1000))
                                    .header("webhook-signature", "v1,AAAA")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(400);
            assertThat(handled).noneMatch(e -> e.id().equals("evt_forged"));

            // done with it: disabled, then deleted
            WebhookEndpoint disabled = paygate.webhookEndpoints()
                    .update(endpoint.getId(), new UpdateWebhookEndpointRequest().disabled(true))
                    .await();
            assertThat(disabled.getStatus()).isEqualTo(WebhookEndpoint.StatusEnum.DISABLED);
            assertThat(paygate.webhookEndpoints().list())
                    .extracting(WebhookEndpoint::getId)
                    .contains(endpoint.getId());
            assertThat(paygate.webhookEndpoints().delete(endpoint.getId()).getDeleted())
                    .isTrue();
            assertThat(paygate.webhookEndpoints().list())
                    .extracting(WebhookEndpoint::getId)
                    .doesNotContain(endpoint.getId());
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void theTenLineIntegrationTakesAPaymentRefundsItAndReceivesTheWebhook() {
        String apiKey = TestStack.newMerchantKey("shop");
        try (WebhookReceiver hooks = WebhookReceiver.start()) {
            WebhookEndpoint endpoint = PaygateClient.create(TestStack.gatewayUrl(), apiKey)
                    .webhookEndpoints()
                    .create(new CreateWebhookEndpointRequest()
                            .url(hooks.url())
                            .enabledEvents(List.of("refund.updated")))
                    .await();
            ShopIntegration shop = new ShopIntegration(TestStack.gatewayUrl(), apiKey, endpoint.getSecret());

            Refund refund = shop.sellAndRefund();

            assertThat(refund.getAmount()).isEqualTo(500L);
            // the refund's webhooks (pending, then succeeded), handed to the shop's endpoint as they arrive
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (WebhookReceiver.Received hook : hooks.received()) {
                    assertThat(shop.onWebhook(hook::header, hook.body())).isEqualTo(200);
                }
                assertThat(shop.refundsDone).isNotEmpty();
            });
            for (WebhookReceiver.Received hook : hooks.received()) {
                assertThat(shop.onWebhook(hook::header, hook.body()))
                        .as("again: a duplicate")
                        .isEqualTo(200);
            }
            assertThat(shop.refundsDone).singleElement().satisfies(r -> {
                assertThat(r.getId()).isEqualTo(refund.getId());
                assertThat(r.getStatus()).isEqualTo("succeeded");
            });
            assertThat(shop.onWebhook(
                            hooks.received().get(0)::header,
                            hooks.received().get(0).body() + " "))
                    .as("a body changed on the way")
                    .isEqualTo(400);
        }
    }

    @Test
    void theDocsShowTheCodeTestedHere() throws IOException {
        String docs = Files.readString(Path.of("../docs/client.md"));
        for (String example : List.of("ShopIntegration", "PaygateWebhookRoutes")) {
            String source = Files.readString(Path.of("src/test/java/dev/paygate/launcher/" + example + ".java"));
            // what follows the imports, without the formatter's switches
            List<String> lines = source.lines().toList();
            int body = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("import ")) {
                    body = i + 1;
                }
            }
            String shown = String.join(
                            "\n",
                            lines.subList(body, lines.size()).stream()
                                    .filter(line -> !line.startsWith("// spotless:"))
                                    .toList())
                    .strip();
            assertThat(docs).as(example + " in docs/client.md").contains("```java\n" + shown + "\n```");
        }
    }
}
