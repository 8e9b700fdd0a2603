package dev.paygate.launcher;

import dev.paygate.acquirer.bank.BankServer;
import dev.paygate.acquirer.bank.BankServerMain;
import dev.paygate.acquirer.bank.BankSettings;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts all of Paygate in this process, on embedded Kafka and PostgreSQL unless {@code PAYGATE_KAFKA_BOOTSTRAP}
 * / {@code PAYGATE_DB_URL} point elsewhere, with a simulated bank over HTTP ({@code PAYGATE_BANK_PORT} 8089,
 * {@code PAYGATE_BANK_LATENCY} 200 ms ± {@code PAYGATE_BANK_JITTER} 50 ms) unless {@code PAYGATE_ACQUIRER_URL} names
 * one, and runs until interrupted (Ctrl-C).
 */
public final class PaygateLauncher {

    private static final Logger log = LoggerFactory.getLogger(PaygateLauncher.class);

    private PaygateLauncher() {}

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        int port = intEnv("PAYGATE_PORT", 8080);
        Infrastructure infra = DevInfrastructure.shared();
        WebhookInbox inbox = WebhookInbox.start(intEnv("PAYGATE_INBOX_PORT", 8090));
        // the bank is a remote system: unless PAYGATE_ACQUIRER_URL names one, a simulated one over HTTP, in process
        String acquirerUrl = env("PAYGATE_ACQUIRER_URL", "");
        BankServer bank = null;
        if (acquirerUrl.isEmpty()) {
            bank = new BankServer(BankSettings.of(
                            BankServerMain.parseDuration(env("PAYGATE_BANK_LATENCY", "200ms")),
                            BankServerMain.parseDuration(env("PAYGATE_BANK_JITTER", "50ms"))))
                    .start(intEnv("PAYGATE_BANK_PORT", 8089));
            acquirerUrl = "http://127.0.0.1:" + bank.port();
        }
        BankServer startedBank = bank;
        PaygateStack stack = PaygateStack.start(
                infra,
                new PaygateStack.Options(
                        port,
                        new int[] {
                            intEnv("PAYGATE_PAYMENT_PORT", 0),
                            intEnv("PAYGATE_REFUND_PORT", 0),
                            intEnv("PAYGATE_WEBHOOK_PORT", 0)
                        },
                        infra.jdbcUrl(),
                        env("PAYGATE_DEMO_API_KEY", "sk_test_paygate_demo"),
                        env("PAYGATE_ADMIN_TOKEN", "paygate-admin-dev"),
                        true,
                        List.of("--paygate.acquirer.url=" + acquirerUrl)));
        CountDownLatch stopped = new CountDownLatch(1);
        DevInfrastructure.beforeShutdown(() -> {
            stack.close();
            inbox.close();
            if (startedBank != null) {
                startedBank.close();
            }
            stopped.countDown();
        });

        stack.awaitChainReady(Duration.ofMinutes(2));
        log.info(
                "services: {}; webhook inbox: http://localhost:{}/inbox; bank {}; Kafka {} ({}), PostgreSQL {} ({}); {} s",
                stack.ports(),
                inbox.port(),
                acquirerUrl,
                infra.kafkaBootstrap(),
                infra.kafkaSource(),
                infra.jdbcUrl(),
                infra.databaseSource(),
                Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0);
        log.info("Paygate is ready on http://localhost:{}", stack.gatewayPort());
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }
}
