package dev.paygate.refund;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.acquirer.bank.BankServer;
import dev.paygate.acquirer.bank.BankSettings;
import dev.paygate.acquirer.bank.LedgerEntry;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * refund-service stopped while 100 refunds are with the bank (the answers never recorded), and a new instance on the
 * same database: its janitor asks the bank again under the same references, and the bank, which executed each
 * refund once, answers with that outcome. Every refund ends succeeded, each caller gets one reply, and the ledger
 * shows every refund executed once, for its amount.
 */
class RefundServiceRestartIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final String DATABASE = "refund_restart_it_" + Long.toHexString(System.nanoTime());
    static final String DB_URL = INFRA.createDatabase(DATABASE);
    static final int REFUNDS = 100;

    static ConfigurableApplicationContext start(BankServer bank) {
        // as arguments: they must win over the service's own yml, as the launcher's do
        return RefundServiceApplication.builder()
                .run(
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + INFRA.kafkaBootstrap(),
                        "--paygate.db.url=" + DB_URL,
                        "--paygate.db.user=" + INFRA.dbUser(),
                        "--paygate.db.password=" + INFRA.dbPassword(),
                        "--paygate.acquirer.url=http://127.0.0.1:" + bank.port(),
                        "--paygate.refunds.pending-age=2s",
                        "--paygate.refunds.janitor-interval=200ms");
    }

    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(INFRA.jdbcUrlFor(DATABASE), INFRA.dbUser(), INFRA.dbPassword());
        c.createStatement().execute("SET search_path TO refund");
        return c;
    }

    long count(String sql, String merchant) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, merchant);
            ResultSet r = s.executeQuery();
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void refundsLeftWithTheBankByAStoppedInstanceAreSettledOnceByTheNext() throws Exception {
        String merchant = Ids.MERCHANT.next();
        List<CreateRefund> commands = new ArrayList<>();
        // the bank takes 3 s a call: time to stop the service with every call on the wire
        try (BankServer bank = new BankServer(BankSettings.of(Duration.ofSeconds(3), Duration.ZERO)).start(0)) {
            ConfigurableApplicationContext first = start(bank);
            try (Connection c = connect();
                    PreparedStatement s = c.prepareStatement("""
                    INSERT INTO payments (payment_id, merchant_id, currency, status, amount_received, masked_number,
                                          payment_version) VALUES (?, ?, 'EUR', 'succeeded', 1000, '411111**1111', 3)""")) {
                for (int i = 0; i < REFUNDS; i++) {
                    CreateRefund command = new CreateRefund(
                            Ids.COMMAND.next(),
                            merchant,
                            Ids.REFUND.next(),
                            Ids.PAYMENT.next(),
                            100L + i,
                            null,
                            Map.of(),
                            null,
                            null);
                    commands.add(command);
                    s.setString(1, command.paymentId());
                    s.setString(2, merchant);
                    s.executeUpdate();
                }
            }
            try (var producer = new KafkaProducer<String, byte[]>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, INFRA.kafkaBootstrap()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                for (CreateRefund c : commands) {
                    producer.send(new ProducerRecord<>(
                            Topics.REFUND_COMMANDS,
                            c.paymentId(),
                            PaygateJson.wire().writeValueAsBytes(c)));
                }
                producer.flush();
            }

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> bank.stats().inFlight() >= REFUNDS);
            first.close();
            assertThat(count("SELECT count(*) FROM refunds WHERE merchant_id = ? AND status = 'pending'", merchant))
                    .isEqualTo(REFUNDS);

            // the bank finishes what it was asked while no instance listens for the answers
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> bank.ledger().entries().size() == REFUNDS);
            ConfigurableApplicationContext second = start(bank);
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> count(
                                        "SELECT count(*) FROM refunds WHERE merchant_id = ? AND status = 'succeeded'",
                                        merchant)
                                == REFUNDS);
            } finally {
                second.close();
            }

            for (CreateRefund c : commands) {
                List<LedgerEntry> executed = bank.ledger().entries(c.refundId(), null);
                assertThat(executed)
                        .as("executed at the bank: %s", c.refundId())
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.amount()).isEqualTo(c.amount());
                            assertThat(e.outcome()).isEqualTo("succeeded");
                            assertThat(e.repeats())
                                    .as("asked again by the second instance")
                                    .isPositive();
                        });
            }
            // each caller was answered once, with the outcome
            Map<String, List<CommandReply>> replies = new HashMap<>();
            try (Connection c = connect();
                    PreparedStatement s = c.prepareStatement(
                            "SELECT aggregate_id, payload FROM outbox WHERE aggregate_type = 'reply'")) {
                ResultSet r = s.executeQuery();
                while (r.next()) {
                    replies.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
                            .add(PaygateJson.wire().readValue(r.getString(2), CommandReply.class));
                }
            }
            for (CreateRefund c : commands) {
                assertThat(replies.get(c.commandId()))
                        .as("replies to %s", c.commandId())
                        .singleElement()
                        .satisfies(reply -> assertThat(
                                        reply.resource().get("status").asString())
                                .isEqualTo("succeeded"));
            }
            assertThat(count(
                            "SELECT count(*) FROM outbox WHERE type = 'refund.updated' AND aggregate_id IN "
                                    + "(SELECT id FROM refunds WHERE merchant_id = ?)",
                            merchant))
                    .as("pending and succeeded, once each")
                    .isEqualTo(2L * REFUNDS);
        }
    }
}
