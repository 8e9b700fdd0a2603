package dev.paygate.gateway.read;

import dev.paygate.contracts.InternalHeaders;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.support.http.ServiceInstances;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** Reads sessions and payments from their owner, payment-service, over its internal API. */
@Component
public class PaymentServiceClient {

    private final WebClient client;
    private final WebClient refunds;

    public PaymentServiceClient(WebClient.Builder builder, GatewayProperties properties) {
        this.client = ServiceInstances.client(builder, properties.getPaymentUrl());
        this.refunds = ServiceInstances.client(builder, properties.getRefundUrl());
    }

    /** The refund as JSON, as refund-service renders it. */
    public Mono<String> refund(String id, String merchantId) {
        return read(refunds, "/internal/refunds/{id}", "refund", id, merchantId);
    }

    /** A payment's refunds, newest first: {@code {data, hasMore}}. */
    public Mono<String> refundsOf(String paymentId, String merchantId, int limit, String startingAfter) {
        return refunds.get()
                .uri(b -> {
                    b.path("/internal/payments/{id}/refunds").queryParam("limit", limit);
                    if (startingAfter != null) {
                        b.queryParam("startingAfter", startingAfter);
                    }
                    return b.build(paymentId);
                })
                .header(InternalHeaders.MERCHANT_HEADER, merchantId)
                .retrieve()
                .bodyToMono(String.class)
                .onErrorMap(e -> unavailable());
    }

    /** The session as JSON, exactly as payment-service renders it; 404 when missing or another merchant's. */
    public Mono<String> session(String id, String merchantId) {
        return read("/internal/sessions/{id}", "session", id, merchantId);
    }

    /**
     * For the hosted payment page: {@code {merchantId, session}} read by the session id alone (the payer's
     * capability); 404 when there is no such session.
     */
    public Mono<String> hostedSession(String id) {
        return client.get()
                .uri("/internal/hosted-sessions/{id}", id)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.bodyToMono(String.class);
                    }
                    if (response.statusCode().value() == 404) {
                        return response.releaseBody().then(Mono.error(ApiException.notFound("session", id)));
                    }
                    return response.releaseBody().then(Mono.error(unavailable()));
                })
                .onErrorMap(e -> !(e instanceof ApiException), e -> unavailable());
    }

    /** The payment as JSON, exactly as payment-service renders it; 404 when missing or another merchant's. */
    public Mono<String> payment(String id, String merchantId) {
        return read("/internal/payments/{id}", "payment", id, merchantId);
    }

    /** A secupay transaction (a payment or a refund) as payment-service renders it; 404 when not this merchant's. */
    public Mono<String> transaction(String transactionId, String merchantId) {
        return read("/internal/transactions/{id}", "transaction", transactionId, merchantId);
    }

    /** Whose a secupay transaction id is: {@code {paymentId, kind}}, kind {@code payment} or {@code refund}. */
    public Mono<String> transactionOwner(String transactionId, String merchantId) {
        return read("/internal/transactions/{id}/owner", "transaction", transactionId, merchantId);
    }

    private Mono<String> read(String path, String kind, String id, String merchantId) {
        return read(client, path, kind, id, merchantId);
    }

    private Mono<String> read(WebClient service, String path, String kind, String id, String merchantId) {
        return service.get()
                .uri(path, id)
                .header(InternalHeaders.MERCHANT_HEADER, merchantId)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.bodyToMono(String.class);
                    }
                    if (response.statusCode().value() == 404) {
                        return response.releaseBody().then(Mono.error(ApiException.notFound(kind, id)));
                    }
                    return response.releaseBody().then(Mono.error(unavailable()));
                })
                .onErrorMap(e -> !(e instanceof ApiException), e -> unavailable());
    }

    private static ApiException unavailable() {
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                dev.paygate.contracts.ProblemCodes.SERVICE_UNAVAILABLE,
                "This resource cannot be read right now; try again.",
                null);
    }
}
