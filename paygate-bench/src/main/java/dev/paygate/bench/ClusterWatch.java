package dev.paygate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * What the measured window cost each process of a stack in processes of its own ({@link FaultStack}): the CPU time
 * of every service instance, broker, PostgreSQL server (its postmaster and backends) and the bank (a remote system:
 * not Paygate's cost, shown apart), read from
 * {@code /proc}; and, at the end, which instance holds how many partitions of each consumer group. Starts measuring
 * after the warm-up.
 */
final class ClusterWatch {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final FaultStack stack;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Api.daemon("bench-cluster"));
    private volatile Map<String, Long> start;

    private ClusterWatch(FaultStack stack) {
        this.stack = stack;
    }

    static ClusterWatch start(FaultStack stack, Duration warmup) {
        ClusterWatch watch = new ClusterWatch(stack);
        watch.timer.schedule(() -> watch.start = watch.ticks(), warmup.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** CPU seconds each process used since the warm-up ended, by name. */
    Map<String, Double> stop() {
        timer.shutdownNow();
        Map<String, Long> end = ticks();
        Map<String, Double> used = new LinkedHashMap<>();
        end.forEach(
                (name, ticks) -> used.put(name, (ticks - start.getOrDefault(name, ticks)) / (double) TICKS_PER_SECOND));
        return used;
    }

    /** Process name → CPU ticks so far (a PostgreSQL server's are its postmaster's and all its backends'). */
    private Map<String, Long> ticks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        stack.pids().forEach((name, pid) -> ticks.put(name, ticksOf(pid)));
        List<Long> brokers = stack.kafka.pids();
        for (int i = 0; i < brokers.size(); i++) {
            ticks.put("kafka-" + (i + 1), ticksOf(brokers.get(i)));
        }
        for (String service : FaultStack.SERVICES) {
            var server = stack.postgres(service);
            long postmaster = server.postmasterPid();
            String name = stack.databases().size() == 1 ? "postgres" : "postgres-" + service;
            ticks.put(
                    name,
                    ticksOf(postmaster)
                            + ProcessHandle.of(postmaster).stream()
                                    .flatMap(ProcessHandle::descendants)
                                    .mapToLong(p -> ticksOf(p.pid()))
                                    .sum());
        }
        ticks.put("bank", ticksOf(stack.bankPid()));
        return ticks;
    }

    private static long ticksOf(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /**
     * Consumer group → instance → partitions it holds now (instances are told apart by their client id, which each
     * instance sets to its name).
     */
    static Map<String, Map<String, Integer>> assignment(String bootstrap, Collection<String> instances) {
        Map<String, Map<String, Integer>> groups = new TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> ids = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(GroupListing::groupId)
                    .filter(g -> !g.startsWith("fault-suite") && !g.startsWith("bench"))
                    .toList();
            Map<String, ConsumerGroupDescription> described =
                    admin.describeConsumerGroups(ids).all().get(30, TimeUnit.SECONDS);
            described.forEach((group, d) -> {
                Map<String, Integer> byInstance = new TreeMap<>();
                for (MemberDescription m : d.members()) {
                    String instance = instances.stream()
                            .filter(i -> m.clientId().startsWith(i + "-")
                                    || m.clientId().equals(i))
                            .max(java.util.Comparator.comparingInt(String::length))
                            .orElse(m.clientId());
                    byInstance.merge(instance, m.assignment().topicPartitions().size(), Integer::sum);
                }
                // a gateway's reply group is its own: one per instance, named at random
                String name = group.startsWith("gateway-replies-") ? "gateway-replies-…" : group;
                byInstance.forEach((i, n) ->
                        groups.computeIfAbsent(name, k -> new TreeMap<>()).merge(i, n, Integer::sum));
            });
        } catch (Exception e) {
            groups.put("(could not read: " + e + ")", Map.of());
        }
        return groups;
    }

    static Stream<String> lines(Map<String, Map<String, Integer>> assignment) {
        return assignment.entrySet().stream().map(e -> String.format("  %-34s %s", e.getKey(), e.getValue()));
    }
}
