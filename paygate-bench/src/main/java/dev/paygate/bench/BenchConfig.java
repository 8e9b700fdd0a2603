package dev.paygate.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one benchmark run does. Every field is a {@code --name=value} argument (see {@link #usage()}).
 *
 * @param url         the stack to drive; null starts one in this process (embedded Kafka and PostgreSQL)
 * @param dbUrl       PostgreSQL for the raw-limit run (JDBC form); with an in-process stack, its own database
 * @param rate        requests per second offered (open loop, latency from each request's intended start), or 0 for
 *                    a closed loop of {@code concurrency} clients
 * @param mix         {@code refunds}, or {@code mixed}: refunds, cancels and session expiries
 * @param soak        a soak run of this length (see {@link Soak}), or null
 * @param bankLatency the HTTP bank's latency per call (± {@code bankJitter}) for an in-process stack
 * @param receiverLatency how long the webhook receiver takes to answer
 * @param cluster     0: an in-process stack; else a three-broker cluster with this many instances of each service and
 *                    a PostgreSQL server per service, all in processes of their own ({@link FaultStack})
 */
public record BenchConfig(
        String url,
        String apiKey,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int payments,
        int concurrency,
        double rate,
        Duration warmup,
        Duration duration,
        Duration drain,
        Duration rawDuration,
        String mix,
        Path json,
        Duration soak,
        Duration bankLatency,
        Duration bankJitter,
        Duration receiverLatency,
        int cluster) {

    static final String DEMO_KEY = "sk_test_paygate_demo";

    public static BenchConfig defaults() {
        return new BenchConfig(
                null,
                DEMO_KEY,
                null,
                "paygate",
                "paygate",
                200,
                32,
                0,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                Duration.ofSeconds(10),
                "refunds",
                null,
                null,
                Duration.ofMillis(200),
                Duration.ofMillis(50),
                Duration.ofMillis(50),
                0);
    }

    public static BenchConfig parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("arguments are --name=value: " + arg + "\n" + usage());
            }
            given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        BenchConfig d = defaults();
        // a soak measures for its whole length, after a warm-up that lets every retention window fill once
        Duration soak = given.containsKey("soak") ? duration(given.remove("soak")) : null;
        String defaultWarmup = soak == null ? "10s" : Soak.STEADY_AFTER.toSeconds() + "s";
        BenchConfig c = new BenchConfig(
                given.remove("url"),
                given.getOrDefault("api-key", d.apiKey()),
                given.remove("db-url"),
                given.getOrDefault("db-user", d.dbUser()),
                given.getOrDefault("db-password", d.dbPassword()),
                Integer.parseInt(given.getOrDefault("payments", String.valueOf(d.payments()))),
                Integer.parseInt(given.getOrDefault("concurrency", String.valueOf(d.concurrency()))),
                Double.parseDouble(given.getOrDefault("rate", "0")),
                duration(given.getOrDefault("warmup", defaultWarmup)),
                soak != null ? soak : duration(given.getOrDefault("duration", "60s")),
                duration(given.getOrDefault("drain", "60s")),
                duration(given.getOrDefault("raw-duration", "10s")),
                given.getOrDefault("mix", d.mix()),
                given.containsKey("json") ? Path.of(given.get("json")) : null,
                soak,
                duration(given.getOrDefault("bank-latency", "200ms")),
                duration(given.getOrDefault("bank-jitter", "50ms")),
                duration(given.getOrDefault("receiver-latency", "50ms")),
                Integer.parseInt(given.getOrDefault("cluster", "0")));
        for (String known : new String[] {
            "api-key",
            "db-user",
            "db-password",
            "payments",
            "concurrency",
            "rate",
            "warmup",
            "duration",
            "drain",
            "raw-duration",
            "mix",
            "json",
            "bank-latency",
            "bank-jitter",
            "receiver-latency",
            "cluster"
        }) {
            given.remove(known);
        }
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown arguments " + given.keySet() + "\n" + usage());
        }
        if (!c.mix().equals("refunds") && !c.mix().equals("mixed")) {
            throw new IllegalArgumentException("--mix is refunds or mixed");
        }
        if (c.soak() != null && c.url() != null) {
            throw new IllegalArgumentException(
                    "--soak starts a stack of its own (its retention windows are minutes): " + "leave --url out");
        }
        if (c.cluster() < 0 || c.cluster() > 4 || (c.cluster() > 0 && (c.url() != null || c.soak() != null))) {
            throw new IllegalArgumentException(
                    "--cluster=1..4 starts a cluster of its own: leave --url and --soak out");
        }
        if (c.bankJitter().compareTo(c.bankLatency()) > 0) {
            throw new IllegalArgumentException("--bank-jitter can't exceed --bank-latency");
        }
        if (c.concurrency() < 1 || c.payments() < 1) {
            throw new IllegalArgumentException("--concurrency and --payments must be at least 1");
        }
        return c;
    }

    /** {@code 60s}, {@code 500ms}, {@code 2m}. */
    static Duration duration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> throw new IllegalArgumentException("a duration is like 60s, 500ms or 2m: " + text);
        };
    }

    public static String usage() {
        return """
                ./bench [--name=value ...]
                  --url=http://host:8080     drive a running stack (default: start one in this process)
                  --api-key=sk_…             a merchant key of that stack (default sk_test_paygate_demo)
                  --db-url=jdbc:postgresql://…  its PostgreSQL, for the raw limit (in-process: found itself)
                  --db-user=… --db-password=…
                  --payments=200             captured payments to refund (seeded, not timed)
                  --concurrency=32           clients in a closed loop (and raw-limit connections)
                  --rate=1000                offer this many requests/s instead (open loop)
                  --warmup=10s --duration=60s --drain=60s --raw-duration=10s
                  --mix=refunds|mixed        mixed: 70 % refunds, 15 % cancels, 15 % session expiries
                  --json=report.json         also write the report as JSON
                  --bank-latency=200ms --bank-jitter=50ms
                                             the bank (an HTTP server, in this process) takes this long per call;
                                             0ms for an instant bank (in-process stack only)
                  --receiver-latency=50ms    the webhook receiver answers after this long
                  --cluster=2                start a cluster instead: three brokers (3 replicas, min.insync 2), this
                                             many instances of each service and a PostgreSQL server per service, each
                                             in a process of its own, the bank too; prints each process's CPU and
                                             which instance holds which partitions
                  --soak=20m                 steady load this long with retention windows of minutes; prints each
                                             bounded table's rows and size at start, middle and end, and the
                                             throughput of each interval (in-process stack only; warm-up 3m20s)""";
    }
}
