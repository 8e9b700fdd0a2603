package dev.paygate.acquirer.bank;

import dev.paygate.acquirer.simulator.OutageFile;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the simulated bank ({@link BankServer}) as its own process, until it is stopped:
 *
 * <pre>
 * java -cp paygate-acquirer.jar:&lt;its dependencies&gt; dev.paygate.acquirer.bank.BankServerMain \
 *      --port=8089 --latency=200ms --jitter=50ms [--host=127.0.0.1] [--failure-rate=0.01] \
 *      [--refund-pending-for=30s] [--outage-file=/tmp/bank-down] [--slow-file=/tmp/bank-slow --slow-latency=8s]
 * </pre>
 *
 * Each option may instead come from the environment: {@code PAYGATE_BANK_PORT}, {@code PAYGATE_BANK_LATENCY},
 * {@code PAYGATE_BANK_JITTER}, {@code PAYGATE_BANK_HOST}, {@code PAYGATE_BANK_FAILURE_RATE},
 * {@code PAYGATE_BANK_REFUND_PENDING_FOR}, {@code PAYGATE_BANK_OUTAGE_FILE}, {@code PAYGATE_BANK_SLOW_FILE},
 * {@code PAYGATE_BANK_SLOW_LATENCY}; an option given on the command line
 * wins. Defaults: port 8089 on 127.0.0.1 ({@code --host=0.0.0.0} to be reached from other hosts or containers),
 * 200 ms ± 50 ms, no failures, refunds pending 30 s, never down. Durations: {@code 250ms}, {@code 2s}, {@code 1m}
 * or ISO-8601 ({@code PT0.25S}). While the outage file exists the bank answers nothing; while the slow file
 * exists each operation takes the slow latency (8 s by default). It prints
 * {@code bank listening on <host>:<port>} once it listens.
 */
public final class BankServerMain {

    private BankServerMain() {}

    public static void main(String[] args) {
        Options options = new Options(args, System.getenv());
        BankSettings settings = BankSettings.of(
                        options.duration("latency", "200ms"), options.duration("jitter", "50ms"))
                .withFailureRate(Double.parseDouble(options.get("failure-rate", "0")))
                .withRefundPendingFor(options.duration("refund-pending-for", "30s"))
                .withDown(OutageFile.of(options.get("outage-file", "")))
                .withSlow(OutageFile.of(options.get("slow-file", "")), options.duration("slow-latency", "8s"));
        String host = options.get("host", "127.0.0.1");
        BankServer bank = new BankServer(settings).start(host, Integer.parseInt(options.get("port", "8089")));
        Runtime.getRuntime().addShutdownHook(new Thread(bank::close, "bank-shutdown"));
        System.out.println("bank listening on " + host + ":" + bank.port() + " (latency " + settings.latency() + " ± "
                + settings.jitter() + ", failure rate " + settings.failureRate() + ")");
        bank.awaitClose();
    }

    /** {@code 250ms}, {@code 2s}, {@code 1m} or ISO-8601, as the options take them. */
    public static Duration parseDuration(String text) {
        return Options.parse(text);
    }

    /** {@code --name=value}, else {@code PAYGATE_BANK_NAME}, else the default. */
    static final class Options {
        private final String[] args;
        private final Map<String, String> env;

        Options(String[] args, Map<String, String> env) {
            this.args = args;
            this.env = env;
        }

        String get(String name, String otherwise) {
            for (String arg : args) {
                if (arg.startsWith("--" + name + "=")) {
                    return arg.substring(name.length() + 3);
                }
            }
            String variable =
                    env.get("PAYGATE_BANK_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
            return variable == null || variable.isBlank() ? otherwise : variable;
        }

        Duration duration(String name, String otherwise) {
            return parse(get(name, otherwise));
        }

        static Duration parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            Function<String, Long> number = suffix ->
                    Long.parseLong(t.substring(0, t.length() - suffix.length()).trim());
            if (t.startsWith("p")) {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(number.apply("ms"));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(number.apply("s"));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(number.apply("m"));
            }
            return Duration.ofMillis(Long.parseLong(t));
        }
    }
}
