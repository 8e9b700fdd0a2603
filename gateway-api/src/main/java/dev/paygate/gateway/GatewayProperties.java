package dev.paygate.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code paygate.gateway.*} */
@ConfigurationProperties("paygate.gateway")
public class GatewayProperties {

    /** Where the owners' internal APIs are: a base URL each, or several instances' (see ServiceInstances). */
    private List<URI> paymentUrl = List.of(URI.create("http://localhost:8081"));

    private List<URI> refundUrl = List.of(URI.create("http://localhost:8082"));
    private List<URI> webhookUrl = List.of(URI.create("http://localhost:8083"));
    /** How long a state change may take before the API answers 202 with the resource as last known. */
    private Duration replyTimeout = Duration.ofSeconds(5);
    /** When set, a demo merchant with this API key exists (the standalone launcher sets it). */
    private String demoApiKey = "";
    /** When set, the operator API under /admin is on and guarded by this token. */
    private String adminToken = "";

    private Duration sessionMinLifetime = Duration.ofMinutes(1);
    /** Keys the digest that binds an Idempotency-Key to its request; the same on every gateway instance. */
    private String idempotencyHashKey = "paygate-dev-idempotency-hash-key";

    private Duration sessionMaxLifetime = Duration.ofHours(24);
    /**
     * How long an {@code Idempotency-Key} and its answer are kept (docs/api.md, "Conventions": at least 24 h in
     * production).
     */
    private Duration idempotencyRetention = Duration.ofHours(24);
    /** Failed authentications one client (address) may make per {@link #authFailureWindow} before it gets 429. */
    private int authFailureLimit = 20;

    private Duration authFailureWindow = Duration.ofMinutes(1);
    /** The ops console lists refunds pending for longer than this. */
    private Duration consolePendingRefundAge = Duration.ofMinutes(15);
    /** How long an ops console login lasts. */
    private Duration consoleSessionLifetime = Duration.ofHours(8);
    /** At most this many live event streams (SSE) at once; more answer 429. */
    private int consoleMaxStreams = 50;

    public Duration getConsolePendingRefundAge() {
        return consolePendingRefundAge;
    }

    public void setConsolePendingRefundAge(Duration consolePendingRefundAge) {
        this.consolePendingRefundAge = consolePendingRefundAge;
    }

    public Duration getConsoleSessionLifetime() {
        return consoleSessionLifetime;
    }

    public void setConsoleSessionLifetime(Duration consoleSessionLifetime) {
        this.consoleSessionLifetime = consoleSessionLifetime;
    }

    public int getConsoleMaxStreams() {
        return consoleMaxStreams;
    }

    public void setConsoleMaxStreams(int consoleMaxStreams) {
        this.consoleMaxStreams = consoleMaxStreams;
    }

    public int getAuthFailureLimit() {
        return authFailureLimit;
    }

    public void setAuthFailureLimit(int authFailureLimit) {
        this.authFailureLimit = authFailureLimit;
    }

    public Duration getAuthFailureWindow() {
        return authFailureWindow;
    }

    public void setAuthFailureWindow(Duration authFailureWindow) {
        this.authFailureWindow = authFailureWindow;
    }

    public List<URI> getPaymentUrl() {
        return paymentUrl;
    }

    public void setPaymentUrl(List<URI> paymentUrl) {
        this.paymentUrl = paymentUrl;
    }

    public List<URI> getRefundUrl() {
        return refundUrl;
    }

    public void setRefundUrl(List<URI> refundUrl) {
        this.refundUrl = refundUrl;
    }

    public List<URI> getWebhookUrl() {
        return webhookUrl;
    }

    public void setWebhookUrl(List<URI> webhookUrl) {
        this.webhookUrl = webhookUrl;
    }

    public Duration getReplyTimeout() {
        return replyTimeout;
    }

    public void setReplyTimeout(Duration replyTimeout) {
        this.replyTimeout = replyTimeout;
    }

    public String getDemoApiKey() {
        return demoApiKey;
    }

    public void setDemoApiKey(String demoApiKey) {
        this.demoApiKey = demoApiKey;
    }

    public String getAdminToken() {
        return adminToken;
    }

    public void setAdminToken(String adminToken) {
        this.adminToken = adminToken;
    }

    public String getIdempotencyHashKey() {
        return idempotencyHashKey;
    }

    public void setIdempotencyHashKey(String idempotencyHashKey) {
        this.idempotencyHashKey = idempotencyHashKey;
    }

    public Duration getSessionMinLifetime() {
        return sessionMinLifetime;
    }

    public void setSessionMinLifetime(Duration sessionMinLifetime) {
        this.sessionMinLifetime = sessionMinLifetime;
    }

    public Duration getSessionMaxLifetime() {
        return sessionMaxLifetime;
    }

    public void setSessionMaxLifetime(Duration sessionMaxLifetime) {
        this.sessionMaxLifetime = sessionMaxLifetime;
    }

    public Duration getIdempotencyRetention() {
        return idempotencyRetention;
    }

    public void setIdempotencyRetention(Duration idempotencyRetention) {
        this.idempotencyRetention = idempotencyRetention;
    }
}
