package dev.paygate.webhook.delivery;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.webhook.api.ApiProblem;
import dev.paygate.webhook.api.Paging;
import dev.paygate.webhook.endpoint.EndpointStore;
import dev.paygate.webhook.endpoint.StoredEndpoint;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Internal API for deliveries and events (the gateway's {@code /api2/webhook-deliveries}, {@code /api2/events} and
 * an endpoint's deliveries): the attempt log, a retry of one delivery, recovery of an endpoint's failed deliveries,
 * and the merchant's events. Everything is scoped by merchant; another merchant's answers 404.
 */
@RestController
class InternalDeliveryController {

    private static final List<String> STATUSES = DeliveryDecision.STATUSES;

    private final DeliveryStore deliveries;
    private final EndpointStore endpoints;
    private final EventStore events;
    private final DeliveryWorker worker;

    public InternalDeliveryController(
            DeliveryStore deliveries, EndpointStore endpoints, EventStore events, DeliveryWorker worker) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.events = events;
        this.worker = worker;
    }

    /** The endpoint's deliveries with their attempts, newest first; {@code status} filters. */
    @GetMapping("/internal/webhook-endpoints/{id}/deliveries")
    public Mono<Map<String, Object>> list(
            @PathVariable String id,
            @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String startingAfter) {
        int size = Paging.limit(limit);
        if (status != null && !STATUSES.contains(status)) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "status must be one of " + STATUSES + ".", "status");
        }
        if (startingAfter != null && !Ids.WEBHOOK_DELIVERY.matches(startingAfter)) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "startingAfter must be a delivery id.", "startingAfter");
        }
        return endpoint(id, merchantId)
                .then(deliveries.listForEndpoint(id, merchantId, status, startingAfter, size + 1))
                .map(page -> Paging.page(page, size));
    }

    @GetMapping("/internal/webhook-deliveries/{id}")
    public Mono<DeliveryView> get(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return deliveries
                .find(id, merchantId)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No such webhook delivery: " + id)));
    }

    /**
     * Sends the delivery again now (a dead letter replayed, or a succeeded one resent); answers the delivery, now
     * pending. The endpoint must be enabled: 409 {@code endpoint_disabled} otherwise.
     */
    @PostMapping("/internal/webhook-deliveries/{id}/retry")
    public Mono<DeliveryView> retry(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return get(id, merchantId)
                .flatMap(delivery -> enabledEndpoint(delivery.endpointId(), merchantId))
                .then(deliveries.retry(id, merchantId))
                .then(get(id, merchantId))
                // the answer is the delivery as queued (pending): the worker is woken only once it is read, so a fast
                // send can't answer with its own outcome instead (it did, now and then, in WebhookEndpointsEndToEndIT)
                .doOnNext(queued -> worker.wakeUp());
    }

    /** {@code since} is read as text and parsed as ISO-8601: a number is not a time here (no epoch coercion). */
    record RecoverRequest(String since) {}

    /** Every failed delivery of the endpoint since {@code since} is sent again: {@code {id, since, recovered}}. */
    @PostMapping("/internal/webhook-endpoints/{id}/recover")
    public Mono<Map<String, Object>> recover(
            @PathVariable String id,
            @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId,
            @RequestBody(required = false) byte[] body) {
        Instant since = since(body);
        return enabledEndpoint(id, merchantId)
                .then(deliveries.recover(id, since))
                .doOnNext(n -> worker.wakeUp())
                .map(n -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("id", id);
                    answer.put("since", since);
                    answer.put("recovered", n);
                    return answer;
                });
    }

    /** The merchant's events, newest first, as their webhooks show them; {@code type} filters. */
    @GetMapping("/internal/events")
    public Mono<Map<String, Object>> events(
            @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String startingAfter) {
        int size = Paging.limit(limit);
        if (type != null && !EventType.isKnown(type)) {
            throw ApiProblem.badRequest(ProblemCodes.PARAMETER_INVALID, "type must be an event type.", "type");
        }
        if (startingAfter != null && !Ids.EVENT.matches(startingAfter)) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "startingAfter must be an event id.", "startingAfter");
        }
        return events.list(merchantId, type, startingAfter, size + 1)
                .map(bodies -> Paging.page(
                        bodies.stream().map(InternalDeliveryController::json).toList(), size));
    }

    @GetMapping("/internal/events/{id}")
    public Mono<JsonNode> event(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return events.find(id, merchantId)
                .map(InternalDeliveryController::json)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No such event: " + id)));
    }

    private Mono<StoredEndpoint> endpoint(String id, String merchantId) {
        return endpoints
                .find(id, merchantId)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("No such webhook endpoint: " + id)));
    }

    private Mono<StoredEndpoint> enabledEndpoint(String id, String merchantId) {
        return endpoint(id, merchantId)
                .flatMap(e -> StoredEndpoint.STATUS_ENABLED.equals(e.status())
                        ? Mono.just(e)
                        : Mono.error(new ApiProblem(
                                HttpStatus.CONFLICT,
                                ProblemCodes.ENDPOINT_DISABLED,
                                "Webhook endpoint " + id + " is disabled (" + e.disabledReason()
                                        + "); enable it first.",
                                null)));
    }

    private static Instant since(byte[] body) {
        RecoverRequest request;
        try {
            request = body == null || body.length == 0
                    ? null
                    : PaygateJson.strict().readValue(body, RecoverRequest.class);
        } catch (tools.jackson.databind.exc.PropertyBindingException unknown) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_UNKNOWN,
                    "Unknown field '" + unknown.getPropertyName() + "'.",
                    unknown.getPropertyName());
        } catch (JacksonException e) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    "since must be an ISO-8601 time such as 2026-11-22T05:00:00Z.",
                    "since");
        }
        if (request == null || request.since() == null) {
            throw ApiProblem.badRequest(ProblemCodes.PARAMETER_MISSING, "Field 'since' is required.", "since");
        }
        try {
            return Instant.parse(request.since());
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiProblem.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    "since must be an ISO-8601 time such as 2026-11-22T05:00:00Z.",
                    "since");
        }
    }

    private static JsonNode json(String body) {
        return PaygateJson.wire().readTree(body);
    }
}
