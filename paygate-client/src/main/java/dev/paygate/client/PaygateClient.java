package dev.paygate.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paygate.client.api.EventsApi;
import dev.paygate.client.api.PaymentsApi;
import dev.paygate.client.api.RefundsApi;
import dev.paygate.client.api.SessionsApi;
import dev.paygate.client.api.WebhooksApi;
import dev.paygate.client.invoker.ApiClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Paygate's {@code /api2} for a merchant's Java application, over the JDK's {@link HttpClient} (one pool of keep-alive
 * connections per client: make one and share it; it is thread-safe).
 *
 * <pre>{@code
 * PaygateClient paygate = PaygateClient.create("https://paygate.example", System.getenv("PAYGATE_API_KEY"));
 * Payment payment = paygate.payments().create(request).await();
 * }</pre>
 *
 * <p>Every POST carries an {@code Idempotency-Key} (a random UUID unless you give one) and is retried with it as the
 * {@link RetryPolicy} says, so a write sent several times has one effect. Reads are retried the same way. A write that
 * Paygate answers 202 is an {@link Outcome} still {@linkplain Outcome#pending() pending}; lists are lazy streams read
 * page by page. Failures are {@link PaygateException}s carrying the RFC 9457 problem. The generated API classes
 * ({@code dev.paygate.client.api}) are there too, for what this wrapper does not cover: {@link #apiClient()}.
 */
public final class PaygateClient {

    private final ApiClient apiClient;
    private final Payments payments;
    private final Refunds refunds;
    private final Sessions sessions;
    private final WebhookEndpoints webhookEndpoints;
    private final Events events;

    private PaygateClient(Builder builder) {
        String apiKey = Objects.requireNonNull(builder.apiKey, "apiKey");
        HttpClient.Builder http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(builder.connectTimeout);
        ObjectMapper json = ApiClient.createDefaultObjectMapper();
        apiClient = new ApiClient(http, json, Objects.requireNonNull(builder.baseUrl, "baseUrl"));
        apiClient.setReadTimeout(builder.requestTimeout);
        apiClient.setRequestInterceptor(request -> request.setHeader("X-Api-Key", apiKey));
        Calls calls = new Calls(builder.retryPolicy, builder.idempotencyKeys, builder.onRetry, json);
        payments = new Payments(calls, new PaymentsApi(apiClient), builder.apiVersion);
        refunds = new Refunds(calls, new RefundsApi(apiClient), builder.apiVersion);
        sessions = new Sessions(calls, new SessionsApi(apiClient), builder.apiVersion);
        webhookEndpoints = new WebhookEndpoints(calls, new WebhooksApi(apiClient), builder.apiVersion);
        events = new Events(calls, new EventsApi(apiClient), builder.apiVersion, json);
    }

    /** A client with the default {@link RetryPolicy} and timeouts. */
    public static PaygateClient create(String baseUrl, String apiKey) {
        return builder().baseUrl(baseUrl).apiKey(apiKey).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Payments payments() {
        return payments;
    }

    public Refunds refunds() {
        return refunds;
    }

    public Sessions sessions() {
        return sessions;
    }

    public WebhookEndpoints webhookEndpoints() {
        return webhookEndpoints;
    }

    public Events events() {
        return events;
    }

    /** The generated client's configuration (authenticated, same connections), for its API classes. */
    public ApiClient apiClient() {
        return apiClient;
    }

    public static final class Builder {

        private String baseUrl;
        private String apiKey;
        private String apiVersion;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Supplier<String> idempotencyKeys = () -> UUID.randomUUID().toString();
        private Consumer<RetryEvent> onRetry = retry -> {};

        private Builder() {}

        /** Where the gateway is, as {@code https://paygate.example} (without {@code /api2}). */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** The merchant's secret key ({@code sk_…}), sent as {@code X-Api-Key}; never logged by the client. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** {@code X-Version} for every request; without it, the merchant's default version. */
        public Builder apiVersion(String apiVersion) {
            this.apiVersion = apiVersion;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy);
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * How long one attempt waits for its answer (30 s). Keep it above Paygate's reply timeout (5 s), which answers
         * a slow change with a 202 instead.
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Where the {@code Idempotency-Key}s of writes sent without one come from (random UUIDs). */
        public Builder idempotencyKeys(Supplier<String> idempotencyKeys) {
            this.idempotencyKeys = Objects.requireNonNull(idempotencyKeys);
            return this;
        }

        /** Told before every retry: for your logs and metrics. */
        public Builder onRetry(Consumer<RetryEvent> onRetry) {
            this.onRetry = Objects.requireNonNull(onRetry);
            return this;
        }

        public PaygateClient build() {
            return new PaygateClient(this);
        }
    }
}
