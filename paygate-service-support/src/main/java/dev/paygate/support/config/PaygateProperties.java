package dev.paygate.support.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings shared by every Paygate service ({@code paygate.*}). */
@ConfigurationProperties("paygate")
public class PaygateProperties {

    /** This service's name: the CloudEvents source and the default consumer group. */
    private String serviceName = "paygate";

    private final Kafka kafka = new Kafka();
    private final OutboxSettings outbox = new OutboxSettings();
    private final Retention retention = new Retention();

    public String getServiceName() {
        return serviceName;
    }

    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    public Kafka getKafka() {
        return kafka;
    }

    public OutboxSettings getOutbox() {
        return outbox;
    }

    public Retention getRetention() {
        return retention;
    }

    public static class Kafka {
        /** Partitions of every Paygate topic when this service creates it. */
        private int partitions = 12;
        /** Replicas of every Paygate topic when this service creates it ({@code PAYGATE_KAFKA_REPLICATION_FACTOR}). */
        private short replicationFactor = 1;
        /**
         * {@code min.insync.replicas} of the topics this service creates ({@code PAYGATE_KAFKA_MIN_INSYNC_REPLICAS});
         * 0: one less than the replication factor, at least 1 (3 replicas: 2 must have a record before it counts as
         * written, so one broker may be down and none is lost).
         */
        private int minInsyncReplicas;
        /** Whether a service refuses to start on a cluster that can't keep these settings (see KafkaDurabilityCheck). */
        private boolean checkDurability = true;
        /** Consumer threads per listener. */
        private int concurrency = 3;
        /** How long one command may take before it counts as failed and is retried. */
        private Duration commandTimeout = Duration.ofSeconds(30);
        /** {@code retention.ms} of the topics this service creates (Kafka's own default: 7 days). */
        private Duration topicRetention = Duration.ofDays(7);
        /**
         * {@code segment.ms} of the topics this service creates: a record can be read until its segment is deleted,
         * up to retention + segment time after it was written, so shorter segments bound that (Kafka's default: 7 days).
         */
        private Duration topicSegment = Duration.ofDays(1);

        public int getMinInsyncReplicas() {
            return minInsyncReplicas;
        }

        public void setMinInsyncReplicas(int minInsyncReplicas) {
            this.minInsyncReplicas = minInsyncReplicas;
        }

        /** {@link #getMinInsyncReplicas()}, or its default when 0. */
        public int effectiveMinInsyncReplicas() {
            return minInsyncReplicas > 0 ? minInsyncReplicas : Math.max(1, replicationFactor - 1);
        }

        public boolean isCheckDurability() {
            return checkDurability;
        }

        public void setCheckDurability(boolean checkDurability) {
            this.checkDurability = checkDurability;
        }

        public Duration getTopicRetention() {
            return topicRetention;
        }

        public void setTopicRetention(Duration topicRetention) {
            this.topicRetention = topicRetention;
        }

        public Duration getTopicSegment() {
            return topicSegment;
        }

        public void setTopicSegment(Duration topicSegment) {
            this.topicSegment = topicSegment;
        }

        public int getPartitions() {
            return partitions;
        }

        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }

        public short getReplicationFactor() {
            return replicationFactor;
        }

        public void setReplicationFactor(short replicationFactor) {
            this.replicationFactor = replicationFactor;
        }

        public int getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }
    }

    public static class OutboxSettings {
        /** Off for services without an outbox (the gateway). */
        private boolean enabled = true;

        private int batchSize = 500;
        /** Fallback poll; committed rows wake the relay at once. */
        private Duration pollInterval = Duration.ofMillis(500);

        private Duration sendTimeout = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public Duration getSendTimeout() {
            return sendTimeout;
        }

        public void setSendTimeout(Duration sendTimeout) {
            this.sendTimeout = sendTimeout;
        }
    }

    /**
     * How long rows that only serve a while are kept ({@code paygate.retention.*}); a window of 0 keeps rows for ever.
     * See {@code dev.paygate.support.retention.Retention}.
     */
    public static class Retention {
        /** How often each instance purges. */
        private Duration interval = Duration.ofMinutes(1);
        /** Rows per DELETE: each batch is one short statement, so no purge holds many row locks for long. */
        private int batchSize = 1_000;
        /** Batches per table and run at most, so one run ends even while a large backlog is worked off. */
        private int maxBatches = 100;
        /**
         * Published outbox rows. A command sent again (its gateway died before the answer) gets its first reply
         * again from here, so this is at least {@link #idempotencyWindow}: checked at start-up.
         */
        private Duration outbox = Duration.ofHours(48);
        /**
         * Inbox rows (consumed message ids). A record can be delivered again while it is in its topic, so this must
         * outlast the topics' retention + segment time + {@link #redeliveryMargin}: checked against the broker.
         */
        private Duration inbox = Duration.ofDays(15);
        /** How long the gateway keeps an {@code Idempotency-Key} (the gateway's {@code idempotency-retention}). */
        private Duration idempotencyWindow = Duration.ofHours(24);
        /** Slack on top of a topic's retention + segment time: the broker deletes segments on a check interval. */
        private Duration redeliveryMargin = Duration.ofHours(1);
        /** How long the start-up check may wait for the broker; unanswered, it is done before the first purge. */
        private Duration checkTimeout = Duration.ofSeconds(10);

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public int getMaxBatches() {
            return maxBatches;
        }

        public void setMaxBatches(int maxBatches) {
            this.maxBatches = maxBatches;
        }

        public Duration getOutbox() {
            return outbox;
        }

        public void setOutbox(Duration outbox) {
            this.outbox = outbox;
        }

        public Duration getInbox() {
            return inbox;
        }

        public void setInbox(Duration inbox) {
            this.inbox = inbox;
        }

        public Duration getIdempotencyWindow() {
            return idempotencyWindow;
        }

        public void setIdempotencyWindow(Duration idempotencyWindow) {
            this.idempotencyWindow = idempotencyWindow;
        }

        public Duration getRedeliveryMargin() {
            return redeliveryMargin;
        }

        public void setRedeliveryMargin(Duration redeliveryMargin) {
            this.redeliveryMargin = redeliveryMargin;
        }

        public Duration getCheckTimeout() {
            return checkTimeout;
        }

        public void setCheckTimeout(Duration checkTimeout) {
            this.checkTimeout = checkTimeout;
        }
    }
}
