package dev.paygate.bench;

import dev.paygate.acquirer.bank.BankServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the measured window cost, read from the machine rather than guessed: CPU time of this JVM (services, broker,
 * bank, load and receiver: everything in-process) and of every PostgreSQL process, from {@code /proc}; and how many
 * calls the bank worked on at once (sampled every 100 ms) and executed; and the records produced to Paygate's topics
 * (their end offsets). Starts measuring after the warm-up.
 */
final class BankWatch {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final BankServer bank;
    private final String kafkaBootstrap;
    private volatile long recordsStart = -1;
    private volatile long deliveredStart = -1;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Api.daemon("bench-watch"));
    private volatile long jvmCpuStart = -1;
    private volatile long pgCpuStart;
    private volatile long executedStart;
    private long samples;
    private long inFlightSum;
    private int inFlightMax;

    private BankWatch(BankServer bank, String kafkaBootstrap) {
        this.bank = bank;
        this.kafkaBootstrap = kafkaBootstrap;
    }

    /** @param kafkaBootstrap the stack's broker, to count the records produced in the window (null: not counted) */
    static BankWatch start(BankServer bank, Duration warmup, String kafkaBootstrap) {
        BankWatch watch = new BankWatch(bank, kafkaBootstrap);
        watch.timer.schedule(watch::begin, warmup.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    private void begin() {
        recordsStart = records();
        deliveredStart = delivered();
        pgCpuStart = postgresCpuNanos();
        executedStart = bank.stats().executed();
        jvmCpuStart = jvmCpuNanos();
        timer.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        int now = bank.stats().inFlight();
        samples++;
        inFlightSum += now;
        inFlightMax = Math.max(inFlightMax, now);
    }

    /** The window's figures: CPU seconds, bank calls executed and in flight (mean and max). */
    synchronized Map<String, Object> stop() {
        timer.shutdownNow();
        Map<String, Object> m = new LinkedHashMap<>();
        if (jvmCpuStart < 0) {
            return m;
        }
        m.put("jvmCpuSeconds", Math.round((jvmCpuNanos() - jvmCpuStart) / 1e7) / 100.0);
        m.put("postgresCpuSeconds", Math.round((postgresCpuNanos() - pgCpuStart) / 1e7) / 100.0);
        m.put("bankCallsExecuted", bank.stats().executed() - executedStart);
        m.put("bankCallsInFlightMean", samples == 0 ? 0 : Math.round(inFlightSum * 10.0 / samples) / 10.0);
        m.put("bankCallsInFlightMax", inFlightMax);
        long recordsEnd = records();
        if (recordsStart >= 0 && recordsEnd >= 0) {
            m.put("kafkaRecordsProduced", recordsEnd - recordsStart);
        }
        long deliveredEnd = delivered();
        if (deliveredStart >= 0 && deliveredEnd >= 0) {
            m.put("kafkaRecordsDelivered", deliveredEnd - deliveredStart);
        }
        return m;
    }

    /** Records on Paygate's topics now: the sum of their partitions' end offsets; -1 when not counted. */
    private long records() {
        if (kafkaBootstrap == null) {
            return -1;
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap))) {
            var topics = admin.describeTopics(dev.paygate.contracts.Topics.ALL)
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            topics.values()
                    .forEach(t -> t.partitions()
                            .forEach(p -> latest.put(
                                    new org.apache.kafka.common.TopicPartition(t.name(), p.partition()),
                                    org.apache.kafka.clients.admin.OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Records consumed from Paygate's topics so far, by every consumer group that commits its offsets: the sum of
     * their committed offsets (the ops console's feed never commits and reads nothing while nobody watches); -1 when
     * not counted.
     */
    private long delivered() {
        if (kafkaBootstrap == null) {
            return -1;
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap))) {
            java.util.Set<String> topics = new java.util.HashSet<>(dev.paygate.contracts.Topics.ALL);
            long sum = 0;
            for (var group : admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)) {
                sum += admin
                        .listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS)
                        .entrySet()
                        .stream()
                        .filter(e -> topics.contains(e.getKey().topic()) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset())
                        .sum();
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** utime + stime of every process named {@code postgres} (the server and its backends), in nanoseconds. */
    static long postgresCpuNanos() {
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) processes::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(open + 1, close).equals("postgres")) {
                        continue;
                    }
                    String[] fields = stat.substring(close + 2).split(" ");
                    // after "(comm) ": state is field 3 of stat, utime 14 and stime 15 → indexes 11 and 12 here
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // a backend that ended while we looked
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
