package dev.paygate.webhook;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code paygate.webhooks.*}: how endpoints are accepted and how deliveries are sent and retried. */
@ConfigurationProperties("paygate.webhooks")
public class WebhookProperties {

    /** Plain-http endpoint URLs are refused unless this is set (local receivers, tests). */
    private boolean allowHttp = false;
    /** Allow deliveries to loopback, private, link-local, CGNAT and reserved addresses (local development). */
    private boolean allowPrivateAddresses = false;
    /** One attempt must answer 2xx within this, body included; otherwise it counts as failed. */
    private Duration timeout = Duration.ofSeconds(15);
    /**
     * Attempt n (0-based) waits {@code retrySchedule[n]} (±20 % jitter) after the previous one, the first after
     * the event arrived; after the last attempt the delivery is {@code failed}. The size is the attempt count.
     */
    private List<Duration> retrySchedule = List.of(
            Duration.ZERO,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));
    /** Fallback poll for due retries and for deliveries recorded by other instances; new events wake it at once. */
    private Duration pollInterval = Duration.ofSeconds(1);
    /** Attempts in flight at once, per instance. */
    private int concurrency = 256;
    /** Attempts in flight at once to one endpoint, so a slow or dead endpoint can't take every slot. */
    private int endpointConcurrency = 64;
    /** The longest {@code Retry-After} honoured; a longer one waits this long. */
    private Duration maxRetryAfter = Duration.ofHours(1);
    /** An endpoint whose attempts failed continuously for this long is disabled. */
    private Duration disableAfter = Duration.ofDays(5);
    /**
     * Events, their deliveries and the deliveries' attempts are kept this long (Stripe keeps 30 days of events); an
     * event with a delivery still pending is kept until it is done. The events table also tells a redelivered state
     * change from a new one, so this must outlive the event topics' records (checked at start-up).
     */
    private Duration retention = Duration.ofDays(30);
    /** A claimed delivery's lease is the timeout plus this: room for claiming, recording and a slow database. */
    private Duration leaseMargin = Duration.ofSeconds(30);

    public int getEndpointConcurrency() {
        return endpointConcurrency;
    }

    public void setEndpointConcurrency(int endpointConcurrency) {
        this.endpointConcurrency = endpointConcurrency;
    }

    public Duration getMaxRetryAfter() {
        return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    public Duration getDisableAfter() {
        return disableAfter;
    }

    public void setDisableAfter(Duration disableAfter) {
        this.disableAfter = disableAfter;
    }

    public Duration getLeaseMargin() {
        return leaseMargin;
    }

    public void setLeaseMargin(Duration leaseMargin) {
        this.leaseMargin = leaseMargin;
    }

    public boolean isAllowPrivateAddresses() {
        return allowPrivateAddresses;
    }

    public void setAllowPrivateAddresses(boolean allowPrivateAddresses) {
        this.allowPrivateAddresses = allowPrivateAddresses;
    }

    public boolean isAllowHttp() {
        return allowHttp;
    }

    public void setAllowHttp(boolean allowHttp) {
        this.allowHttp = allowHttp;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public List<Duration> getRetrySchedule() {
        return retrySchedule;
    }

    public void setRetrySchedule(List<Duration> retrySchedule) {
        this.retrySchedule = retrySchedule;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }
}
