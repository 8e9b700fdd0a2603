package dev.paygate.gateway.webhook;

import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.auth.ApiContext;
import dev.paygate.gateway.docs.ApiSchemas;
import dev.paygate.gateway.docs.Idempotent;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.idempotency.IdempotentRequests;
import dev.paygate.support.http.ServiceInstances;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Webhook endpoints are owned by webhook-dispatcher and managed by direct internal HTTP, never through Kafka:
 * the signing secret appears only in this response, never on a topic or in a log (docs/webhooks.md). The dispatcher
 * validates; its answer, a refusal included, is passed on as it is.
 */
@RestController
class WebhookEndpointController {

    private final WebClient dispatcher;
    private final IdempotentRequests idempotent;

    public WebhookEndpointController(
            WebClient.Builder builder, GatewayProperties properties, IdempotentRequests idempotent) {
        this.dispatcher = ServiceInstances.client(builder, properties.getWebhookUrl());
        this.idempotent = idempotent;
    }

    /**
     * With an {@code Idempotency-Key}, the answer — the signing secret included — is kept with the key for the
     * retention period, so that a retry gets the same endpoint and secret instead of a second endpoint.
     */
    @Idempotent(command = false)
    @Operation(
            tags = "Webhooks",
            summary = "Create a webhook endpoint; the answer shows its signing secret",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The endpoint with its `secret`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookEndpoint.class)))
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiSchemas.CreateWebhookEndpointRequest.class)))
    @PostMapping("/api2/webhook-endpoints")
    public Mono<ResponseEntity<String>> create(
            ApiContext api, ServerHttpRequest http, @RequestBody(required = false) String body) {
        return idempotent.run(api, http, body, () -> createAtDispatcher(api, body));
    }

    /** The merchant's endpoints, newest first: {@code {data, hasMore}}, {@code limit} 1 … 100, {@code startingAfter}. */
    @Operation(
            tags = "Webhooks",
            summary = "List webhook endpoints, newest first",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "A page of endpoints",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookEndpointList.class)))
            })
    @GetMapping("/api2/webhook-endpoints")
    public Mono<ResponseEntity<String>> list(
            ApiContext api,
            ServerHttpRequest http,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String startingAfter) {
        return forward(
                dispatcher.get().uri(b -> {
                    b.path("/internal/webhook-endpoints");
                    if (limit != null) {
                        b.queryParam("limit", "{limit}");
                    }
                    if (startingAfter != null) {
                        b.queryParam("startingAfter", "{after}");
                    }
                    return b.build(
                            java.util.Map.of("limit", String.valueOf(limit), "after", String.valueOf(startingAfter)));
                }),
                api,
                http.getPath().value());
    }

    @Operation(
            tags = "Webhooks",
            summary = "Retrieve a webhook endpoint",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The endpoint",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookEndpoint.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook endpoint (`resource_missing`).")
            })
    @GetMapping("/api2/webhook-endpoints/{id}")
    public Mono<ResponseEntity<String>> get(ApiContext api, ServerHttpRequest http, @PathVariable String id) {
        requireEndpointId(id);
        return forward(
                dispatcher.get().uri("/internal/webhook-endpoints/{id}", id),
                api,
                http.getPath().value());
    }

    /** Answers {@code {id, deleted: true}}; the endpoint receives nothing more. */
    @Operation(
            tags = "Webhooks",
            summary = "Delete a webhook endpoint",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "`{id, deleted: true}`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.Deleted.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook endpoint (`resource_missing`).")
            })
    @DeleteMapping("/api2/webhook-endpoints/{id}")
    public Mono<ResponseEntity<String>> delete(ApiContext api, ServerHttpRequest http, @PathVariable String id) {
        requireEndpointId(id);
        return forward(
                dispatcher.delete().uri("/internal/webhook-endpoints/{id}", id),
                api,
                http.getPath().value());
    }

    /** A new signing secret, shown only here; the old one keeps signing beside it for 24 hours. */
    @Idempotent(command = false)
    @Operation(
            tags = "Webhooks",
            summary = "Rotate the signing secret (the old one signs beside it for 24 hours)",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The endpoint with its new `secret`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookEndpoint.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook endpoint (`resource_missing`).")
            })
    @PostMapping("/api2/webhook-endpoints/{id}/rotate-secret")
    public Mono<ResponseEntity<String>> rotateSecret(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requireEndpointId(id);
        String path = http.getPath().value();
        return idempotent.run(
                api,
                http,
                body,
                () -> forward(dispatcher.post().uri("/internal/webhook-endpoints/{id}/rotate-secret", id), api, path));
    }

    /**
     * Changes an endpoint: {@code url}, {@code enabledEvents}, {@code description}; {@code disabled: true} disables
     * it, {@code false} enables it again.
     */
    @Idempotent(command = false)
    @Operation(
            tags = "Webhooks",
            summary = "Update a webhook endpoint (url, events, description, disabled)",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The endpoint",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookEndpoint.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook endpoint (`resource_missing`).")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiSchemas.UpdateWebhookEndpointRequest.class)))
    @PostMapping("/api2/webhook-endpoints/{id}")
    public Mono<ResponseEntity<String>> update(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requireEndpointId(id);
        String path = http.getPath().value();
        return idempotent.run(
                api,
                http,
                body,
                () -> forward(
                        dispatcher
                                .post()
                                .uri("/internal/webhook-endpoints/{id}", id)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(body == null ? "" : body),
                        api,
                        path));
    }

    /** The endpoint's deliveries with their attempt logs, newest first; {@code status} filters. */
    @Operation(
            tags = "Webhooks",
            summary = "List an endpoint's deliveries with their attempts",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "A page of deliveries",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookDeliveryList.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook endpoint (`resource_missing`).")
            })
    @GetMapping("/api2/webhook-endpoints/{id}/deliveries")
    public Mono<ResponseEntity<String>> deliveries(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String startingAfter) {
        requireEndpointId(id);
        java.util.Map<String, String> query = new java.util.LinkedHashMap<>();
        query.put("status", status);
        query.put("limit", limit);
        query.put("startingAfter", startingAfter);
        return forward(
                dispatcher
                        .get()
                        .uri(b -> withQuery(
                                b.path("/internal/webhook-endpoints/{id}/deliveries"),
                                query,
                                java.util.Map.of("id", id))),
                api,
                http.getPath().value());
    }

    /** Sends every failed delivery of the endpoint since {@code since} again: {@code {id, since, recovered}}. */
    @Idempotent(command = false)
    @Operation(
            tags = "Webhooks",
            summary = "Send every failed delivery since `since` again",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "How many were sent again",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.RecoverResult.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook endpoint (`resource_missing`).")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiSchemas.RecoverRequest.class)))
    @PostMapping("/api2/webhook-endpoints/{id}/recover")
    public Mono<ResponseEntity<String>> recover(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requireEndpointId(id);
        String path = http.getPath().value();
        return idempotent.run(
                api,
                http,
                body,
                () -> forward(
                        dispatcher
                                .post()
                                .uri("/internal/webhook-endpoints/{id}/recover", id)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(body == null ? "" : body),
                        api,
                        path));
    }

    /** One delivery with its attempt log. */
    @Operation(
            tags = "Webhooks",
            summary = "Retrieve a delivery with its attempts",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The delivery",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookDelivery.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook delivery (`resource_missing`).")
            })
    @GetMapping("/api2/webhook-deliveries/{id}")
    public Mono<ResponseEntity<String>> delivery(ApiContext api, ServerHttpRequest http, @PathVariable String id) {
        requireId(dev.paygate.contracts.Ids.WEBHOOK_DELIVERY, "webhook delivery", id);
        return forward(
                dispatcher.get().uri("/internal/webhook-deliveries/{id}", id),
                api,
                http.getPath().value());
    }

    /** Sends one delivery again now — a dead letter replayed, or a delivered one resent. */
    @Idempotent(command = false)
    @Operation(
            tags = "Webhooks",
            summary = "Send a delivery again now",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The delivery, now pending",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.WebhookDelivery.class))),
                @ApiResponse(responseCode = "404", description = "No such webhook delivery (`resource_missing`).")
            })
    @PostMapping("/api2/webhook-deliveries/{id}/retry")
    public Mono<ResponseEntity<String>> retry(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requireId(dev.paygate.contracts.Ids.WEBHOOK_DELIVERY, "webhook delivery", id);
        String path = http.getPath().value();
        return idempotent.run(
                api,
                http,
                body,
                () -> forward(dispatcher.post().uri("/internal/webhook-deliveries/{id}/retry", id), api, path));
    }

    /** The merchant's events, newest first, as their webhooks carry them; {@code type}, {@code limit}, {@code startingAfter}. */
    @Operation(
            tags = "Events",
            summary = "List events, newest first, as their webhooks carry them",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "A page of events",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.EventList.class)))
            })
    @GetMapping("/api2/events")
    public Mono<ResponseEntity<String>> events(
            ApiContext api,
            ServerHttpRequest http,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String startingAfter) {
        java.util.Map<String, String> query = new java.util.LinkedHashMap<>();
        query.put("type", type);
        query.put("limit", limit);
        query.put("startingAfter", startingAfter);
        return forward(
                dispatcher.get().uri(b -> withQuery(b.path("/internal/events"), query, java.util.Map.of())),
                api,
                http.getPath().value());
    }

    /** Passes the given query parameters on as URI variables, so each value is encoded once, as a value. */
    private static java.net.URI withQuery(
            org.springframework.web.util.UriBuilder b,
            java.util.Map<String, String> query,
            java.util.Map<String, String> pathVariables) {
        java.util.Map<String, String> variables = new java.util.HashMap<>(pathVariables);
        query.forEach((name, value) -> {
            if (value != null) {
                b.queryParam(name, "{q_" + name + "}");
                variables.put("q_" + name, value);
            }
        });
        return b.build(variables);
    }

    @Operation(
            tags = "Events",
            summary = "Retrieve an event",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The event",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.Event.class))),
                @ApiResponse(responseCode = "404", description = "No such event (`resource_missing`).")
            })
    @GetMapping("/api2/events/{id}")
    public Mono<ResponseEntity<String>> event(ApiContext api, ServerHttpRequest http, @PathVariable String id) {
        requireId(dev.paygate.contracts.Ids.EVENT, "event", id);
        return forward(
                dispatcher.get().uri("/internal/events/{id}", id),
                api,
                http.getPath().value());
    }

    private static void requireId(dev.paygate.contracts.Ids kind, String what, String id) {
        if (!kind.matches(id)) {
            throw ApiException.notFound(what, id);
        }
    }

    private static void requireEndpointId(String id) {
        if (!dev.paygate.contracts.Ids.WEBHOOK_ENDPOINT.matches(id)) {
            throw ApiException.notFound("webhook endpoint", id);
        }
    }

    private Mono<ResponseEntity<String>> createAtDispatcher(ApiContext api, String body) {
        return forward(
                dispatcher
                        .post()
                        .uri("/internal/webhook-endpoints")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body == null ? "" : body),
                api,
                "/api2/webhook-endpoints");
    }

    /** Passes the dispatcher's answer on, a refusal included (naming the public path); a 5xx becomes 503. */
    private Mono<ResponseEntity<String>> forward(
            WebClient.RequestHeadersSpec<?> request, ApiContext api, String publicPath) {
        return request.header(InternalHeaders.MERCHANT_HEADER, api.merchantId())
                .exchangeToMono(response -> response.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(answer -> {
                            if (response.statusCode().is5xxServerError()) {
                                throw unavailable();
                            }
                            MediaType type = response.headers().contentType().orElse(MediaType.APPLICATION_JSON);
                            return ResponseEntity.status(response.statusCode())
                                    .contentType(type)
                                    .body(publicInstance(answer, type, publicPath));
                        }))
                .onErrorMap(e -> !(e instanceof ApiException), e -> unavailable());
    }

    /** A refusal names the public path, not the dispatcher's internal one. */
    private static String publicInstance(String answer, MediaType type, String publicPath) {
        if (!MediaType.APPLICATION_PROBLEM_JSON.isCompatibleWith(type)) {
            return answer;
        }
        tools.jackson.databind.JsonNode problem =
                dev.paygate.contracts.json.PaygateJson.wire().readTree(answer);
        if (problem instanceof tools.jackson.databind.node.ObjectNode object && object.has("instance")) {
            object.put("instance", publicPath);
            return dev.paygate.contracts.json.PaygateJson.wire().writeValueAsString(object);
        }
        return answer;
    }

    private static ApiException unavailable() {
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                ProblemCodes.SERVICE_UNAVAILABLE,
                "Webhooks cannot be managed right now; try again.",
                null);
    }
}
