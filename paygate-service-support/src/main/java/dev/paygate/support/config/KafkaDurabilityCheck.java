package dev.paygate.support.config;

import dev.paygate.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * What the cluster and this service's producers must keep for a written record to survive a broker: every Paygate
 * topic with at least the configured replicas ({@code PAYGATE_KAFKA_REPLICATION_FACTOR}) and
 * {@code min.insync.replicas} ({@code PAYGATE_KAFKA_MIN_INSYNC_REPLICAS}), no more replicas asked than there are
 * brokers, and producers that wait for all in-sync replicas ({@code acks=all}) and don't duplicate on retry
 * (idempotence). Checked once the service is ready (its topics created); a service that finds a problem refuses to
 * run, naming each one. A topic that exists keeps its own settings, so one created with fewer replicas (by hand, or
 * by a single-broker setup) is found here rather than trusted. A cluster that can't be reached is not judged: the
 * readiness check reports it.
 */
public class KafkaDurabilityCheck implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(KafkaDurabilityCheck.class);

    private final Map<String, Object> adminConfig;
    private final PaygateProperties.Kafka settings;
    private final Map<String, Object> producerConfig;
    private final Duration timeout;

    public KafkaDurabilityCheck(
            Map<String, Object> adminConfig,
            PaygateProperties.Kafka settings,
            Map<String, Object> producerConfig,
            Duration timeout) {
        this.adminConfig = adminConfig;
        this.settings = settings;
        this.producerConfig = producerConfig;
        this.timeout = timeout;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        List<String> problems;
        Admin admin = Admin.create(adminConfig);
        try {
            problems = problems(admin, settings, producerConfig, timeout);
        } catch (Exception e) {
            log.warn("Kafka's durability settings could not be checked (the cluster did not answer): {}", e.toString());
            return;
        } finally {
            // a cluster that is away must not hold the start-up for the client's own (minute-long) timeouts
            admin.close(Duration.ofSeconds(1));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Kafka can't keep what this service writes as configured: "
                    + String.join("; ", problems)
                    + " (docs/scaling-out.md; paygate.kafka.check-durability=false skips this check)");
        }
    }

    /** Every way the cluster's topics or these producer settings fall short of {@code settings}; empty when none. */
    public static List<String> problems(
            Admin admin, PaygateProperties.Kafka settings, Map<String, Object> producer, Duration timeout)
            throws Exception {
        List<String> problems = new ArrayList<>();
        short replicas = settings.getReplicationFactor();
        int minInsync = settings.effectiveMinInsyncReplicas();
        String acks = String.valueOf(producer.getOrDefault(ProducerConfig.ACKS_CONFIG, "all"));
        if (!acks.equals("all") && !acks.equals("-1")) {
            problems.add("producers send with acks=" + acks + ", not acks=all: a record acknowledged by one broker is "
                    + "lost with it");
        }
        if ("false".equals(String.valueOf(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))) {
            problems.add("producers are not idempotent (enable.idempotence=false): a retried send can write twice");
        }
        if (minInsync > replicas) {
            problems.add("min.insync.replicas " + minInsync + " is more than the replication factor " + replicas
                    + ": no write could ever succeed");
        }
        // every registered broker, fenced ones included: a broker that is down for a restart is still part of the
        // cluster, and a service starting meanwhile must not refuse to run
        int brokers = admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
                .nodes()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .size();
        if (replicas > brokers) {
            problems.add("replication factor " + replicas + " but the cluster has " + brokers + " broker(s)");
        }
        Collection<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(Topics.ALL::contains)
                .toList();
        if (existing.isEmpty()) {
            return problems;
        }
        Map<String, TopicDescription> topics =
                admin.describeTopics(existing).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(existing.stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                        .toList())
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (String topic : existing.stream().sorted().toList()) {
            int fewest = topics.get(topic).partitions().stream()
                    .mapToInt(p -> p.replicas().size())
                    .min()
                    .orElse(0);
            if (fewest < replicas) {
                problems.add(
                        "topic " + topic + " has " + fewest + " replica(s), fewer than the configured " + replicas);
            }
            var entry = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            int topicMinInsync = entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
            if (topicMinInsync < minInsync) {
                problems.add("topic " + topic + " has min.insync.replicas " + topicMinInsync + ", below the configured "
                        + minInsync);
            }
        }
        return problems;
    }
}
