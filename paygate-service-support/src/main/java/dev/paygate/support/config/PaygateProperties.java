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

    public static class Kafka {
        /** Partitions of every Paygate topic when this service creates it. */
        private int partitions = 12;
        private short replicationFactor = 1;
        /** Consumer threads per listener. */
        private int concurrency = 3;
        /** How long one command may take before it counts as failed and is retried. */
        private Duration commandTimeout = Duration.ofSeconds(30);

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
        /** Published rows are deleted after this long. */
        private Duration retention = Duration.ofDays(1);

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

        public Duration getRetention() {
            return retention;
        }

        public void setRetention(Duration retention) {
            this.retention = retention;
        }
    }
}
