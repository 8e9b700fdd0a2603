package dev.paygate.support.retention;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Whether a deduplication table keeps its rows longer than any record it deduplicates can still be delivered. A
 * record stays readable until the broker deletes its segment, which happens once the segment's newest record is older
 * than {@code retention.ms}; a segment is rolled after {@code segment.ms}, so a record can be read up to
 * {@code retention.ms + segment.ms} after it was written, plus the broker's check interval (the margin). A consumer
 * group whose offsets are lost (expired, reset) reads all of that again: its inbox must still know every record.
 */
public class RedeliveryWindowCheck {

    private final Map<String, Object> adminConfig;
    private final Duration margin;
    private final Duration timeout;

    public RedeliveryWindowCheck(Map<String, Object> adminConfig, Duration margin, Duration timeout) {
        this.adminConfig = Map.copyOf(adminConfig);
        this.margin = margin;
        this.timeout = timeout;
    }

    /**
     * Checks {@code rule} against its topics' settings as the broker has them.
     *
     * @throws RetentionMisconfiguredException when a record could outlive the rule's rows
     * @throws IllegalStateException           when the broker did not tell (unreachable, a topic missing): try later
     */
    public void verify(RetentionRule rule) {
        if (rule.redeliveredFrom().isEmpty() || rule.keepsForever()) {
            return;
        }
        for (Map.Entry<String, Duration> life :
                readableFor(rule.redeliveredFrom()).entrySet()) {
            Duration needed = life.getValue() == null ? null : life.getValue().plus(margin);
            if (needed == null || rule.window().compareTo(needed) <= 0) {
                throw new RetentionMisconfiguredException(("%s rows are kept %s, but a record of %s can be delivered "
                                + "again for %s (retention.ms + segment.ms + margin %s): a redelivery could outlive its row and "
                                + "be applied twice. Keep %s rows longer, or shorten that topic's retention.ms / segment.ms.")
                        .formatted(
                                rule.table(),
                                rule.window(),
                                life.getKey(),
                                needed == null ? "ever (retention.ms = -1)" : needed.toString(),
                                margin,
                                rule.table()));
            }
        }
    }

    /** For each topic, how long after it was written a record can still be read; {@code null}: for ever. */
    Map<String, Duration> readableFor(Collection<String> topics) {
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        try (Admin admin = Admin.create(adminConfig)) {
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Duration> life = new java.util.LinkedHashMap<>();
            configs.forEach((resource, config) -> {
                long retention = Long.parseLong(
                        config.get(TopicConfig.RETENTION_MS_CONFIG).value());
                long segment =
                        Long.parseLong(config.get(TopicConfig.SEGMENT_MS_CONFIG).value());
                life.put(
                        resource.name(),
                        retention < 0 ? null : Duration.ofMillis(retention).plusMillis(segment));
            });
            return life;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading topic settings", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the settings of topics " + topics + ": " + e, e);
        }
    }

    /** A retention window that would let a redelivered record be applied twice. */
    public static class RetentionMisconfiguredException extends IllegalStateException {
        public RetentionMisconfiguredException(String message) {
            super(message);
        }
    }
}
