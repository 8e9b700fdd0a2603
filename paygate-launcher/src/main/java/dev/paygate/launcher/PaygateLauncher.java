package dev.paygate.launcher;

import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts all of Paygate in this process, on embedded Kafka and PostgreSQL unless {@code PAYGATE_KAFKA_BOOTSTRAP}
 * / {@code PAYGATE_DB_URL} point elsewhere, and runs until interrupted (Ctrl-C).
 */
public final class PaygateLauncher {

    private static final Logger log = LoggerFactory.getLogger(PaygateLauncher.class);

    private PaygateLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        int port = intEnv("PAYGATE_PORT", 8080);
        Infrastructure infra = DevInfrastructure.shared();
        WebhookInbox inbox = WebhookInbox.start(intEnv("PAYGATE_INBOX_PORT", 8090));
        PaygateStack stack = PaygateStack.start(infra, new PaygateStack.Options(
                port,
                new int[] {intEnv("PAYGATE_PAYMENT_PORT", 0), intEnv("PAYGATE_REFUND_PORT", 0),
                        intEnv("PAYGATE_WEBHOOK_PORT", 0)},
                infra.jdbcUrl(),
                env("PAYGATE_DEMO_API_KEY", "sk_test_paygate_demo"),
                env("PAYGATE_ADMIN_TOKEN", "paygate-admin-dev"),
                true,
                List.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        DevInfrastructure.beforeShutdown(() -> {
            stack.close();
            inbox.close();
            stopped.countDown();
        });

        stack.awaitChainReady(Duration.ofMinutes(2));
        log.info("services: {}; webhook inbox: http://localhost:{}/inbox; Kafka {} ({}), PostgreSQL {} ({}); {} s",
                stack.ports(), inbox.port(), infra.kafkaBootstrap(), infra.kafkaSource(), infra.jdbcUrl(),
                infra.databaseSource(), Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0);
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
