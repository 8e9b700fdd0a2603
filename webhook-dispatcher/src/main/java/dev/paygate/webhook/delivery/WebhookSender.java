package dev.paygate.webhook.delivery;

import dev.paygate.support.observability.Traces;
import dev.paygate.webhook.WebhookProperties;
import dev.paygate.webhook.signing.StandardWebhookSigner;
import dev.paygate.webhook.ssrf.GuardedResolverGroup;
import dev.paygate.webhook.ssrf.HostResolver;
import io.micrometer.tracing.Span;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Makes one delivery attempt: POSTs the stored body, signed the Standard Webhooks way with a fresh timestamp, and
 * reports what came back. Never fails: a timeout or a connection error is an {@link AttemptResult} too, so every
 * attempt can be recorded. Redirects are not followed.
 */
@Component
class WebhookSender {

    /** How much of an answer's body is kept. */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024;

    static final String WEBHOOK_ID = "webhook-id";
    static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
    static final String WEBHOOK_SIGNATURE = "webhook-signature";
    private static final int MAX_ERROR_LENGTH = 1000;

    private final WebClient client;
    private final StandardWebhookSigner signer = new StandardWebhookSigner();
    private final Clock clock;
    private final Duration timeout;

    private final boolean guarded;

    private final Traces traces;

    public WebhookSender(WebhookProperties properties, Clock clock, HostResolver hosts, Traces traces) {
        this.clock = clock;
        this.traces = traces;
        this.timeout = properties.getTimeout();
        this.guarded = !properties.isAllowPrivateAddresses();
        HttpClient http = HttpClient.create().followRedirect(false).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                Math.min(timeout.toMillis(), Integer.MAX_VALUE));
        if (guarded) {
            http = http.resolver(new GuardedResolverGroup(hosts));
        }
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
    }

    public Mono<AttemptResult> send(ClaimedDelivery delivery) {
        // each attempt is a client span in the trace the event arrived in; the request's traceparent names it
        return Mono.using(
                () -> traces.start("webhook delivery", delivery.traceparent(), Span.Kind.CLIENT),
                span -> attempt(delivery, span),
                Span::end);
    }

    private Mono<AttemptResult> attempt(ClaimedDelivery delivery, Span span) {
        return Mono.defer(() -> {
            Instant attemptedAt = clock.instant();
            long started = System.nanoTime();
            // deferred, so that even a failure to build the request (a URL that no longer parses) is an attempt
            // with an error, recorded like any other, rather than an error that leaves the delivery claimed
            return Mono.defer(() -> {
                        try {
                            return exchange(delivery, attemptedAt, started, traces.traceparent(span));
                        } catch (Exception e) {
                            return Mono.error(e);
                        }
                    })
                    // the whole exchange, body included, must fit in the timeout; cancelling closes the connection
                    .timeout(timeout)
                    .onErrorResume(e ->
                            Mono.just(new AttemptResult(attemptedAt, null, elapsedMs(started), describe(e), null)));
        });
    }

    private Mono<AttemptResult> exchange(
            ClaimedDelivery delivery, Instant attemptedAt, long started, String traceparent) throws Exception {
        URI url = URI.create(delivery.url());
        if (guarded && isAddressLiteral(url.getHost())) {
            // a literal address needs no resolution, so the resolver never sees it: judge it here
            String host = url.getHost();
            GuardedResolverGroup.check(
                    host,
                    java.net.InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host));
        }
        long timestamp = attemptedAt.getEpochSecond();
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        return client.post()
                .uri(url)
                .contentType(MediaType.APPLICATION_JSON)
                .header("user-agent", "Paygate-Webhooks/1")
                .header(WEBHOOK_ID, delivery.eventId())
                .header(WEBHOOK_TIMESTAMP, Long.toString(timestamp))
                .headers(headers -> {
                    if (traceparent != null) {
                        headers.set(Traces.TRACEPARENT, traceparent);
                    }
                })
                // during a rotation both secrets sign, space-separated: receivers on either secret verify
                .header(
                        WEBHOOK_SIGNATURE,
                        signer.sign(delivery.secret(), delivery.eventId(), timestamp, body)
                                + (delivery.previousSecret() == null
                                        ? ""
                                        : " "
                                                + signer.sign(
                                                        delivery.previousSecret(),
                                                        delivery.eventId(),
                                                        timestamp,
                                                        body)))
                .bodyValue(body)
                .exchangeToMono(response -> readCut(response)
                        .map(text -> new AttemptResult(
                                attemptedAt,
                                response.statusCode().value(),
                                elapsedMs(started),
                                null,
                                text.isEmpty() ? null : text,
                                retryAfter(response.headers().asHttpHeaders().getFirst("Retry-After"), attemptedAt))));
    }

    /**
     * A {@code Retry-After} in seconds or as an HTTP date (RFC 9110 §10.2.3), as a wait from {@code now}; {@code null}
     * when absent or unreadable, so a malformed header falls back to the schedule.
     */
    static java.time.Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            if (v.chars().allMatch(Character::isDigit)) {
                return v.length() > 9
                        ? java.time.Duration.ofSeconds(999_999_999L)
                        : java.time.Duration.ofSeconds(Long.parseLong(v));
            }
            Instant at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            java.time.Duration wait = java.time.Duration.between(now, at);
            return wait.isNegative() ? java.time.Duration.ZERO : wait;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static boolean isAddressLiteral(String host) {
        return host != null && (host.startsWith("[") || host.contains(":") || host.matches("[0-9.]+"));
    }

    /** At most {@link #MAX_RESPONSE_BYTES} of the body; the connector drains and drops the rest, within the timeout. */
    private static Mono<String> readCut(ClientResponse response) {
        return DataBufferUtils.join(DataBufferUtils.takeUntilByteCount(
                        response.body(BodyExtractors.toDataBuffers()), MAX_RESPONSE_BYTES))
                .map(WebhookSender::text)
                .defaultIfEmpty("");
    }

    private static String text(DataBuffer buffer) {
        try {
            // PostgreSQL text can't hold NUL; a cut may split a character, which then decodes as U+FFFD
            return buffer.toString(StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** What the merchant will read in the attempt's history: the underlying cause, not our client's wrapping. */
    private String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root instanceof TimeoutException
                ? "no answer within " + timeout.toMillis() + " ms"
                : root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    private static long elapsedMs(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
