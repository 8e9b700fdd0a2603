package dev.paygate.gateway.console;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.support.http.ServiceInstances;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The ops console: a read-only page for operators (plus one action, retrying a dead letter). Everything lives under
 * {@code /console}; the page is static HTML, CSS and one script (no inline script, see {@link ConsoleHeaders}), and
 * its data comes from {@code /console/api/*} and the live stream {@code /console/events} (server-sent events).
 * Guarded by {@link ConsoleAccess}; off (404) without an admin token.
 *
 * <ul>
 *   <li>events: live state changes from this gateway's own consumer of the event topics ({@link ConsoleEvents});</li>
 *   <li>counts: events by type over the last 24 hours, as the webhook dispatcher recorded them (every state change
 *       is recorded there once, whether or not anyone subscribes) — the same on every gateway instance;</li>
 *   <li>pending refunds: older than {@code paygate.gateway.console-pending-refund-age}, from refund-service;</li>
 *   <li>failing endpoints (failed attempts within the last hour, failing now, or disabled for failing or gone) and
 *       dead letters, from the webhook dispatcher; a retry goes through the dispatcher's own retry path.</li>
 * </ul>
 */
@RestController
class ConsoleController {

    static final Duration COUNT_WINDOW = Duration.ofHours(24);
    static final Duration FAILING_WINDOW = Duration.ofHours(1);
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Map<String, MediaType> ASSETS = Map.of(
            "console.js", MediaType.parseMediaType("text/javascript;charset=UTF-8"),
            "console.css", MediaType.parseMediaType("text/css;charset=UTF-8"));

    private final ConsoleAccess access;
    private final ConsoleEvents events;
    private final GatewayProperties properties;
    private final WebClient refunds;
    private final WebClient dispatcher;
    private final AtomicInteger streams = new AtomicInteger();

    public ConsoleController(
            ConsoleAccess access, ConsoleEvents events, GatewayProperties properties, WebClient.Builder builder) {
        this.access = access;
        this.events = events;
        this.properties = properties;
        this.refunds = ServiceInstances.client(builder, properties.getRefundUrl());
        this.dispatcher = ServiceInstances.client(builder, properties.getWebhookUrl());
    }

    // ---- the page ----

    /** The page itself holds no data: it asks {@code /console/api/status} and shows the login form on 401. */
    @GetMapping({"/console", "/console/"})
    public ResponseEntity<Resource> page() {
        access.requireEnabled();
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
                .body(new ClassPathResource("paygate-console/index.html"));
    }

    @GetMapping("/console/assets/{name}")
    public ResponseEntity<Resource> asset(@PathVariable String name) {
        access.requireEnabled();
        MediaType type = ASSETS.get(name);
        if (type == null) {
            throw ApiException.notFound("asset", name);
        }
        return ResponseEntity.ok().contentType(type).body(new ClassPathResource("paygate-console/" + name));
    }

    record Login(String token) {}

    /** {@code {"token": "…"}} as JSON: 204 with the session cookie, or 401. */
    @PostMapping("/console/login")
    public ResponseEntity<Void> login(@RequestBody(required = false) String body, ServerHttpRequest request) {
        access.requireEnabled();
        String token;
        try {
            JsonNode login = body == null ? null : PaygateJson.wire().readTree(body);
            token = login != null && login.path("token").isString()
                    ? login.get("token").asString()
                    : null;
        } catch (JacksonException e) {
            token = null;
        }
        return ResponseEntity.noContent()
                .header(HttpHeaders.SET_COOKIE, access.login(token, request).toString())
                .build();
    }

    @PostMapping("/console/logout")
    public ResponseEntity<Void> logout(ServerHttpRequest request) {
        access.require(request);
        return ResponseEntity.noContent()
                .header(HttpHeaders.SET_COOKIE, access.logout(request).toString())
                .build();
    }

    // ---- data ----

    /** Whether the live feed is running on this instance, and the thresholds the page shows. */
    @GetMapping("/console/api/status")
    public Map<String, Object> status(ServerHttpRequest request) {
        access.require(request);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("streaming", events.streaming());
        status.put("subscribers", events.subscribers());
        status.put("countWindowSeconds", COUNT_WINDOW.toSeconds());
        status.put("failingWindowSeconds", FAILING_WINDOW.toSeconds());
        status.put(
                "pendingRefundAgeSeconds",
                properties.getConsolePendingRefundAge().toSeconds());
        return status;
    }

    /**
     * Live state changes as server-sent events named {@code state-change} (id = event id), from the moment of
     * subscribing; a comment at once and every 15 s keeps the connection (and any proxy) open.
     */
    @GetMapping(path = "/console/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<ConsoleEvent>> stream(ServerHttpRequest request) {
        access.require(request);
        if (streams.incrementAndGet() > properties.getConsoleMaxStreams()) {
            streams.decrementAndGet();
            throw new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ProblemCodes.SERVICE_UNAVAILABLE,
                    "Too many console streams open; close one and try again.",
                    null);
        }
        Flux<ServerSentEvent<ConsoleEvent>> changes = events.live()
                .map(e -> ServerSentEvent.builder(e)
                        .id(e.id())
                        .event("state-change")
                        .build());
        Flux<ServerSentEvent<ConsoleEvent>> heartbeats = Flux.interval(HEARTBEAT)
                .map(n -> ServerSentEvent.<ConsoleEvent>builder()
                        .comment("keep-alive")
                        .build());
        return Flux.merge(changes, heartbeats)
                .startWith(ServerSentEvent.<ConsoleEvent>builder()
                        .comment("connected")
                        .build())
                .doFinally(signal -> streams.decrementAndGet());
    }

    @GetMapping("/console/api/counts")
    public Mono<ResponseEntity<String>> counts(ServerHttpRequest request) {
        access.require(request);
        return read(dispatcher.get().uri("/internal/ops/event-counts?windowSeconds={w}", COUNT_WINDOW.toSeconds()));
    }

    @GetMapping("/console/api/pending-refunds")
    public Mono<ResponseEntity<String>> pendingRefunds(ServerHttpRequest request) {
        access.require(request);
        return read(refunds.get()
                .uri(
                        "/internal/ops/pending-refunds?olderThanSeconds={age}&limit=50",
                        properties.getConsolePendingRefundAge().toSeconds()));
    }

    @GetMapping("/console/api/failing-endpoints")
    public Mono<ResponseEntity<String>> failingEndpoints(ServerHttpRequest request) {
        access.require(request);
        return read(dispatcher
                .get()
                .uri("/internal/ops/failing-endpoints?windowSeconds={w}&limit=50", FAILING_WINDOW.toSeconds()));
    }

    @GetMapping("/console/api/dead-letters")
    public Mono<ResponseEntity<String>> deadLetters(ServerHttpRequest request) {
        access.require(request);
        return read(dispatcher.get().uri("/internal/ops/dead-letters?limit=50"));
    }

    /**
     * Retries one dead letter through the dispatcher's retry path, as the merchant's own retry does: body
     * {@code {"merchantId": "…"}} (each dead-letter row carries it). Answers the delivery, now pending; 404 when the
     * merchant has no such delivery, 409 when its endpoint is disabled.
     */
    @PostMapping("/console/api/dead-letters/{id}/retry")
    public Mono<ResponseEntity<String>> retry(
            @PathVariable String id, @RequestBody(required = false) String body, ServerHttpRequest request) {
        access.require(request);
        if (!Ids.WEBHOOK_DELIVERY.matches(id)) {
            throw ApiException.notFound("webhook delivery", id);
        }
        String merchantId;
        try {
            JsonNode retry = body == null ? null : PaygateJson.wire().readTree(body);
            merchantId = retry != null && retry.path("merchantId").isString()
                    ? retry.get("merchantId").asString()
                    : null;
        } catch (JacksonException e) {
            merchantId = null;
        }
        if (merchantId == null || !Ids.MERCHANT.matches(merchantId)) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "merchantId must be a merchant id.", "merchantId");
        }
        return read(dispatcher
                .post()
                .uri("/internal/webhook-deliveries/{id}/retry", id)
                .header(InternalHeaders.MERCHANT_HEADER, merchantId));
    }

    /** The owner's answer, a refusal included; when it fails or is unreachable, 503. */
    private static Mono<ResponseEntity<String>> read(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(response -> response.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(body -> {
                            if (response.statusCode().is5xxServerError()) {
                                throw unavailable();
                            }
                            MediaType type = response.headers().contentType().orElse(MediaType.APPLICATION_JSON);
                            return ResponseEntity.status(response.statusCode())
                                    .contentType(type)
                                    .body(body);
                        }))
                .onErrorMap(e -> !(e instanceof ApiException), e -> unavailable());
    }

    private static ApiException unavailable() {
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                ProblemCodes.SERVICE_UNAVAILABLE,
                "The console cannot read this right now; try again.",
                null);
    }
}
