package dev.paygate.webhook.endpoint;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.webhook.WebhookProperties;
import dev.paygate.webhook.api.ApiProblem;
import dev.paygate.webhook.signing.SigningSecrets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Internal endpoint API for the gateway (never exposed publicly). Endpoints are managed by direct calls, never
 * Kafka commands, so a signing secret appears only in the answer to create: never on a topic or in a log.
 * Another merchant's endpoint answers 404, like a missing one.
 */
@RestController
class InternalEndpointController {

    private final EndpointStore store;
    private final EndpointRequests requests;
    private final Clock clock;

    public InternalEndpointController(EndpointStore store, WebhookProperties properties, Clock clock) {
        this.store = store;
        this.requests = new EndpointRequests(properties.isAllowHttp());
        this.clock = clock;
    }

    /** The body is read as bytes and parsed strictly here, so every refusal names its field. */
    @PostMapping("/internal/webhook-endpoints")
    public Mono<EndpointView> create(
            @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId,
            @RequestBody(required = false) byte[] body) {
        requireMerchant(merchantId);
        CreateEndpointRequest request = requests.parseCreate(body == null ? new byte[0] : body);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        StoredEndpoint endpoint = new StoredEndpoint(
                Ids.WEBHOOK_ENDPOINT.next(),
                merchantId,
                request.url(),
                request.description(),
                request.enabledEvents(),
                SigningSecrets.generate(),
                StoredEndpoint.STATUS_ENABLED,
                null,
                now,
                now);
        return store.insert(endpoint).thenReturn(endpoint.toView(true));
    }

    @GetMapping("/internal/webhook-endpoints/{id}")
    public Mono<EndpointView> get(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        requireMerchant(merchantId);
        return store.find(id, merchantId)
                .map(endpoint -> endpoint.toView(false))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No such webhook endpoint: " + id)));
    }

    /** Newest first: {@code {data, hasMore}}; {@code limit} 1 … 100 (default 10). */
    @GetMapping("/internal/webhook-endpoints")
    public Mono<java.util.Map<String, Object>> list(
            @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String limit,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String startingAfter) {
        requireMerchant(merchantId);
        int size = dev.paygate.webhook.api.Paging.limit(limit);
        if (startingAfter != null && !Ids.WEBHOOK_ENDPOINT.matches(startingAfter)) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "startingAfter must be a webhook endpoint id.", "startingAfter");
        }
        return store.list(merchantId, startingAfter, size + 1)
                .map(endpoint -> endpoint.toView(false))
                .collectList()
                .map(page -> dev.paygate.webhook.api.Paging.page(page, size));
    }

    /** A new secret, shown only in this answer; the old one keeps signing beside it for 24 hours. */
    @PostMapping("/internal/webhook-endpoints/{id}/rotate-secret")
    public Mono<EndpointView> rotateSecret(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        requireMerchant(merchantId);
        return store.rotateSecret(id, merchantId, SigningSecrets.generate(), java.time.Duration.ofHours(24))
                .map(endpoint -> endpoint.toView(true))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No such webhook endpoint: " + id)));
    }

    /**
     * Changes an endpoint: {@code url}, {@code enabledEvents}, {@code description}, and {@code disabled} — true
     * disables it (nothing is sent to it, and no delivery is made for new events, until it is enabled again), false
     * enables it again (deliveries still pending resume; failed ones come back with {@code recover}).
     */
    @PostMapping("/internal/webhook-endpoints/{id}")
    public Mono<EndpointView> update(
            @PathVariable String id,
            @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId,
            @RequestBody(required = false) byte[] body) {
        requireMerchant(merchantId);
        UpdateEndpointRequest change = requests.parseUpdate(body == null ? new byte[0] : body);
        return store.update(id, merchantId, change)
                .map(endpoint -> endpoint.toView(false))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No such webhook endpoint: " + id)));
    }

    /** Deleted endpoints get nothing more; pending deliveries to them are not sent. */
    @org.springframework.web.bind.annotation.DeleteMapping("/internal/webhook-endpoints/{id}")
    public Mono<java.util.Map<String, Object>> delete(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        requireMerchant(merchantId);
        return store.delete(id, merchantId)
                .flatMap(deleted -> deleted
                        ? Mono.just(java.util.Map.<String, Object>of("id", id, "deleted", true))
                        : Mono.error(ApiProblem.notFound("No such webhook endpoint: " + id)));
    }

    static void requireMerchant(String merchantId) {
        if (merchantId.isBlank()) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_MISSING,
                    "Missing header '" + InternalHeaders.MERCHANT_HEADER + "'.",
                    InternalHeaders.MERCHANT_HEADER);
        }
    }
}
