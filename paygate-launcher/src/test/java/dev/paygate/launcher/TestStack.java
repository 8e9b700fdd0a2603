package dev.paygate.launcher;

import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** One Paygate stack per test JVM, on its own fresh database, started on first use. */
final class TestStack {

    static final String DEMO_KEY = "sk_test_" + dev.paygate.contracts.Ids.randomBase58(32);
    static final String ADMIN_TOKEN = "admin-" + dev.paygate.contracts.Ids.randomBase58(16);
    /** The simulated bank's outage switch: while this file exists, authorize, capture and void fail (502). */
    static final java.nio.file.Path BANK_OUTAGE = java.nio.file.Path.of(
            System.getProperty("java.io.tmpdir"),
            "paygate-e2e-bank-outage-" + ProcessHandle.current().pid());

    private static PaygateStack stack;
    private static String jdbcUrl;

    private TestStack() {}

    /** Every log line the stack writes, to check that no secret or card number is ever logged. */
    static final java.util.concurrent.ConcurrentLinkedQueue<String> LOG_LINES =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private static void captureLogs() {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.AppenderBase<>() {
                    @Override
                    protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                        StringBuilder line = new StringBuilder(event.getFormattedMessage());
                        for (ch.qos.logback.classic.spi.IThrowableProxy t = event.getThrowableProxy();
                                t != null;
                                t = t.getCause()) {
                            line.append(' ').append(t.getMessage());
                        }
                        LOG_LINES.add(line.toString());
                    }
                };
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    static synchronized PaygateStack get() {
        if (stack == null) {
            captureLogs();
            try {
                java.nio.file.Files.deleteIfExists(BANK_OUTAGE); // left by a run that died with the bank down
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Infrastructure infra = DevInfrastructure.shared();
            jdbcUrl = infra.createDatabase("e2e_" + Long.toHexString(System.nanoTime()));
            stack = PaygateStack.start(
                    infra,
                    new PaygateStack.Options(
                            0,
                            new int[] {0, 0, 0},
                            jdbcUrl,
                            DEMO_KEY,
                            ADMIN_TOKEN,
                            true,
                            List.of(
                                    "--paygate.webhooks.retry-schedule=0s,1s,2s",
                                    "--paygate.acquirer.outage-file=" + BANK_OUTAGE,
                                    // the bank down, a call fails after this long (10 s by default): the outage
                                    // tests wait for it at every call; the simulator answers in microseconds
                                    // otherwise
                                    "--paygate.acquirer.timeout=2s",
                                    "--paygate.gateway.session-min-lifetime=2s",
                                    // the race tests queue hundreds of commands on one partition: a slow CI machine
                                    // must
                                    // not turn their answers into 202s (the 202 path has a test of its own,
                                    // ReplyTimeoutIT)
                                    "--paygate.gateway.reply-timeout=30s",
                                    "--paygate.sessions.expiry-interval=200ms",
                                    "--paygate.acquirer.refund-pending-for=1s",
                                    "--paygate.refunds.pending-age=1s",
                                    "--paygate.refunds.janitor-interval=200ms",
                                    "--paygate.webhooks.poll-interval=200ms",
                                    // logs as compose writes them: one JSON object a line, with trace ids
                                    // (ObservabilityIT)
                                    "--PAYGATE_LOG_FORMAT=json",
                                    "--paygate.metrics.gauge-interval=500ms",
                                    // every test client is 127.0.0.1, and the refusal tests send many bad keys on
                                    // purpose
                                    "--paygate.gateway.auth-failure-limit=1000000")));
            try {
                stack.awaitChainReady(Duration.ofMinutes(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            DevInfrastructure.beforeShutdown(stack::close);
        }
        return stack;
    }

    /** A new merchant with a key of its own, through the operator API: tests that need isolation use one. */
    static String newMerchantKey(String name) {
        org.springframework.test.web.reactive.server.WebTestClient admin =
                org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                        .baseUrl(gatewayUrl())
                        .defaultHeader("X-Admin-Token", ADMIN_TOKEN)
                        .build();
        tools.jackson.databind.json.JsonMapper json = dev.paygate.contracts.json.PaygateJson.wire();
        String merchant = json.readTree(admin.post()
                        .uri("/admin/merchants")
                        .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                        .bodyValue("{\"name\": \"" + name + "\"}")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .get("id")
                .asString();
        return json.readTree(admin.post()
                        .uri("/admin/merchants/{id}/api-keys", merchant)
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody())
                .get("key")
                .asString();
    }

    static String jdbcUrl() {
        get();
        return jdbcUrl;
    }

    static String gatewayUrl() {
        return "http://localhost:" + get().gatewayPort();
    }

    /** A single number from the stack's database. */
    static long count(String sql) {
        Infrastructure infra = DevInfrastructure.shared();
        get();
        try (Connection c = DriverManager.getConnection(jdbcUrl, infra.dbUser(), infra.dbPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * What a refused request must leave untouched: the sessions (their number and every version) and
     * every state-change event written so far.
     */
    static String stateFingerprint() {
        return count("SELECT count(*) FROM payment.sessions") + "/"
                + count("SELECT coalesce(sum(version), 0) FROM payment.sessions") + "/"
                + count("SELECT count(*) FROM payment.outbox WHERE aggregate_type <> 'reply'") + "/"
                + count("SELECT count(*) FROM webhook.endpoints") + "/"
                + count("SELECT count(*) FROM payment.payments") + "/"
                + count("SELECT coalesce(sum(version), 0) FROM payment.payments");
    }
}
