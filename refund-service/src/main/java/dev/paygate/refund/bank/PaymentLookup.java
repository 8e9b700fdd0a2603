package dev.paygate.refund.bank;

import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.support.http.ServiceInstances;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Asks payment-service, the owner, about a payment this service has not heard of (its capture may still be on
 * its way on the topic), and records the answer, so a refund is never refused wrongly. Empty when the payment
 * doesn't exist or belongs to another merchant. {@code paygate.refunds.payment-url} may list several instances.
 */
@Component
public class PaymentLookup {

    private final WebClient payments;
    private final PaymentMirror mirror;

    public PaymentLookup(
            WebClient.Builder builder,
            @Value("${paygate.refunds.payment-url}") String paymentUrl,
            PaymentMirror mirror) {
        this.payments = ServiceInstances.client(builder, paymentUrl);
        this.mirror = mirror;
    }

    public Mono<Void> learn(String paymentId, String merchantId) {
        return payments.get()
                .uri("/internal/payments/{id}", paymentId)
                .header(InternalHeaders.MERCHANT_HEADER, merchantId)
                .exchangeToMono(response -> response.statusCode().value() == 404
                        ? response.releaseBody().then(Mono.<String>empty())
                        : response.statusCode().is2xxSuccessful()
                                ? response.bodyToMono(String.class)
                                : response.createError())
                .timeout(Duration.ofSeconds(10))
                .flatMap(json -> record(merchantId, PaygateJson.wire().readTree(json)));
    }

    /** Records a payment snapshot (from the topic or from payment-service). */
    public Mono<Void> record(String merchantId, JsonNode payment) {
        JsonNode method = payment.get("paymentMethod");
        String masked = method == null || method.isNull()
                ? null
                : method.get("card").get("maskedNumber").asString();
        return mirror.upsert(
                payment.get("id").asString(),
                merchantId,
                payment.get("currency").asString(),
                payment.get("status").asString(),
                payment.get("amountReceived").asLong(),
                masked,
                payment.get("version").asLong());
    }
}
