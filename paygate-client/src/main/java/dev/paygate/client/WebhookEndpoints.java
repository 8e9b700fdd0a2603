package dev.paygate.client;

import dev.paygate.client.api.WebhooksApi;
import dev.paygate.client.model.CreateWebhookEndpointRequest;
import dev.paygate.client.model.Deleted;
import dev.paygate.client.model.RecoverRequest;
import dev.paygate.client.model.RecoverResult;
import dev.paygate.client.model.UpdateWebhookEndpointRequest;
import dev.paygate.client.model.WebhookDelivery;
import dev.paygate.client.model.WebhookDeliveryList;
import dev.paygate.client.model.WebhookEndpoint;
import dev.paygate.client.model.WebhookEndpointList;
import java.util.stream.Stream;

/** {@code /api2/webhook-endpoints} and their deliveries. */
public final class WebhookEndpoints {

    private final Calls calls;
    private final WebhooksApi api;
    private final String version;

    WebhookEndpoints(Calls calls, WebhooksApi api, String version) {
        this.calls = calls;
        this.api = api;
        this.version = version;
    }

    /** Registers an endpoint; the answer's {@code secret} is the only time it is shown. */
    public Outcome<WebhookEndpoint> create(CreateWebhookEndpointRequest request) {
        return calls.write(
                "POST /api2/webhook-endpoints",
                null,
                key -> api.webhookEndpointCreateWithHttpInfo(request, version, key));
    }

    public WebhookEndpoint get(String id) {
        return calls.read("GET /api2/webhook-endpoints/" + id, key -> api.webhookEndpointGetWithHttpInfo(id, version));
    }

    /** The merchant's endpoints, newest first. */
    public Stream<WebhookEndpoint> list() {
        return Paging.stream(
                startingAfter -> {
                    WebhookEndpointList page = calls.read(
                            "GET /api2/webhook-endpoints",
                            key -> api.webhookEndpointListWithHttpInfo("100", startingAfter, version));
                    return new Paging.Page<>(page.getData(), Boolean.TRUE.equals(page.getHasMore()));
                },
                WebhookEndpoint::getId);
    }

    /** Changes an endpoint's {@code url}, {@code enabledEvents} or {@code description}, or disables or enables it. */
    public Outcome<WebhookEndpoint> update(String id, UpdateWebhookEndpointRequest request) {
        return calls.write(
                "POST /api2/webhook-endpoints/" + id,
                null,
                key -> api.webhookEndpointUpdateWithHttpInfo(id, request, version, key));
    }

    /** Sends again every delivery of the endpoint that failed since {@code since}. */
    public Outcome<RecoverResult> recover(String id, RecoverRequest request) {
        return calls.write(
                "POST /api2/webhook-endpoints/" + id + "/recover",
                null,
                key -> api.webhookEndpointRecoverWithHttpInfo(id, request, version, key));
    }

    /** A new signing secret; the old one signs too for 24 hours. */
    public Outcome<WebhookEndpoint> rotateSecret(String id) {
        return calls.write(
                "POST /api2/webhook-endpoints/" + id + "/rotate-secret",
                null,
                key -> api.webhookEndpointRotateSecretWithHttpInfo(id, version, key, Calls.EMPTY_OBJECT));
    }

    /** Deletes an endpoint: it receives nothing more. */
    public Deleted delete(String id) {
        try {
            return calls.read(
                    "DELETE /api2/webhook-endpoints/" + id, key -> api.webhookEndpointDeleteWithHttpInfo(id, version));
        } catch (PaygateException e) {
            if (e.status() == 404 && e.attempts() > 1) {
                // an attempt before this one deleted it, and its answer was lost
                return new Deleted().id(id).deleted(true);
            }
            throw e;
        }
    }

    /** An endpoint's deliveries, newest first ({@code status}: pending, succeeded or failed; null for all). */
    public Stream<WebhookDelivery> deliveries(String endpointId, String status) {
        return Paging.stream(
                startingAfter -> {
                    WebhookDeliveryList page = calls.read(
                            "GET /api2/webhook-endpoints/" + endpointId + "/deliveries",
                            key -> api.webhookEndpointDeliveriesWithHttpInfo(
                                    endpointId, status, "100", startingAfter, version));
                    return new Paging.Page<>(page.getData(), Boolean.TRUE.equals(page.getHasMore()));
                },
                WebhookDelivery::getId);
    }

    /** One delivery, with its attempts. */
    public WebhookDelivery delivery(String deliveryId) {
        return calls.read(
                "GET /api2/webhook-deliveries/" + deliveryId,
                key -> api.webhookEndpointDeliveryWithHttpInfo(deliveryId, version));
    }

    /** Sends a delivery again now (with its event's id: a receiver that deduplicates sees it once). */
    public Outcome<WebhookDelivery> retryDelivery(String deliveryId) {
        return calls.write(
                "POST /api2/webhook-deliveries/" + deliveryId + "/retry",
                null,
                key -> api.webhookEndpointRetryWithHttpInfo(deliveryId, version, key, Calls.EMPTY_OBJECT));
    }
}
