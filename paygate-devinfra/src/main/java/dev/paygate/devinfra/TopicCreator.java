package dev.paygate.devinfra;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates topics that don't exist yet, with an explicit partition count (and replicas, on a cluster). */
public final class TopicCreator {

    private TopicCreator() {}

    public static void create(String bootstrap, Collection<String> topics, int partitions, Duration timeout) {
        create(bootstrap, topics, partitions, (short) 1, 1, timeout);
    }

    /** With {@code replicas} replicas each and {@code min.insync.replicas} as given. */
    public static void create(
            String bootstrap,
            Collection<String> topics,
            int partitions,
            short replicas,
            int minInsyncReplicas,
            Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, replicas)
                            .configs(Map.of("min.insync.replicas", String.valueOf(minInsyncReplicas))))
                    .toList();
            admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + topics, e);
        }
    }
}
