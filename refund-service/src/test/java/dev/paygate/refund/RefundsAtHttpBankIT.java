package dev.paygate.refund;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.bank.BankServer;
import dev.paygate.acquirer.bank.BankSettings;
import dev.paygate.acquirer.bank.HttpAcquirer;
import dev.paygate.acquirer.bank.LedgerEntry;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.CreateRefund;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import dev.paygate.refund.store.PaymentMirror;
import dev.paygate.support.outbox.InboxProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.test.StepVerifier;

/**
 * refund-service with {@code paygate.acquirer.url} set: refunds go to a bank of its own over HTTP ({@link BankServer}),
 * and the bank's ledger shows each one executed once, under the refund's id, redelivery or not.
 */
// closed after its tests: its consumers share the group "refund-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = RefundServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=refund-service")
class RefundsAtHttpBankIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();
    static final BankServer BANK =
            new BankServer(BankSettings.of(Duration.ofMillis(20), Duration.ofMillis(10))).start(0);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("refund_bank_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
        registry.add("paygate.acquirer.url", () -> "http://127.0.0.1:" + BANK.port());
    }

    @AfterAll
    static void stopBank() {
        BANK.close();
    }

    @Autowired
    Acquirer acquirer;

    @Autowired
    RefundCommands refunds;

    @Autowired
    InboxProcessor inbox;

    @Autowired
    PaymentMirror payments;

    @Autowired
    DatabaseClient db;

    @Test
    void aRefundIsExecutedOnceAtTheHttpBankEvenWhenItsCommandComesAgain() {
        assertThat(acquirer).isInstanceOf(HttpAcquirer.class);
        String merchant = Ids.MERCHANT.next();
        String payment = Ids.PAYMENT.next();
        StepVerifier.create(payments.upsert(payment, merchant, "EUR", "succeeded", 1000, "411111**1111", 3))
                .verifyComplete();
        CreateRefund command = new CreateRefund(
                Ids.COMMAND.next(), merchant, Ids.REFUND.next(), payment, 300L, null, Map.of(), null, null);

        StepVerifier.create(inbox.applyOnce("refund-service", command.commandId(), () -> refunds.create(command)))
                .expectNext(true)
                .verifyComplete();
        StepVerifier.create(inbox.applyOnce("refund-service", command.commandId(), () -> refunds.create(command)))
                .expectNext(false)
                .verifyComplete();

        // the bank is asked once the pending refund has committed, and its answer recorded then
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> "succeeded"
                        .equals(db.sql("SELECT status FROM refunds WHERE id = :id")
                                .bind("id", command.refundId())
                                .map(row -> row.get(0, String.class))
                                .one()
                                .block(Duration.ofSeconds(10))));
        List<LedgerEntry> executed = BANK.ledger().entries(command.refundId(), null);
        assertThat(executed).singleElement().satisfies(entry -> {
            assertThat(entry.type()).isEqualTo("refund");
            assertThat(entry.amount()).isEqualTo(300L);
            assertThat(entry.outcome()).isEqualTo("succeeded");
        });
    }
}
