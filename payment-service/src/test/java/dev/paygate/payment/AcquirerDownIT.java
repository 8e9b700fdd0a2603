package dev.paygate.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.devinfra.DevInfrastructure;
import dev.paygate.devinfra.Infrastructure;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.test.StepVerifier;

/** With the bank down, an authorization answers 502 acquirer_unavailable and nothing is stored or announced. */
// closed after its tests: its consumers share the group "payment-service" with the next class's, on one broker
@org.springframework.test.annotation.DirtiesContext
@SpringBootTest(
        classes = PaymentServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=payment-service", "paygate.acquirer.failure-rate=1.0"})
class AcquirerDownIT {

    static final Infrastructure INFRA = DevInfrastructure.shared();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        String db = INFRA.createDatabase("acquirer_down_it_" + Long.toHexString(System.nanoTime()));
        registry.add("spring.kafka.bootstrap-servers", INFRA::kafkaBootstrap);
        registry.add("paygate.db.url", () -> db);
        registry.add("paygate.db.user", INFRA::dbUser);
        registry.add("paygate.db.password", INFRA::dbPassword);
    }

    @Autowired
    dev.paygate.payment.lifecycle.PaymentCommands payments;

    @Autowired
    dev.paygate.support.outbox.InboxProcessor inbox;

    @Autowired
    DatabaseClient db;

    @Test
    void anUnreachableBankChangesNothing() {
        CreatePayment create = new CreatePayment(
                Ids.COMMAND.next(),
                Ids.MERCHANT.next(),
                Ids.PAYMENT.next(),
                Ids.transactionId(),
                5000,
                "EUR",
                "automatic",
                true,
                new CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "X"),
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                Payment.PaymentMethodOptions.DEFAULT,
                null);

        StepVerifier.create(inbox.applyPlanned("test", create.commandId(), () -> payments.create(create)))
                .expectNext(true)
                .verifyComplete();

        StepVerifier.create(db.sql("SELECT count(*) AS n FROM payments")
                        .map(r -> r.get("n", Long.class))
                        .one())
                .expectNext(0L)
                .verifyComplete();
        StepVerifier.create(db.sql("SELECT payload FROM outbox")
                        .map(r -> r.get("payload", String.class))
                        .all()
                        .collectList())
                .assertNext(payloads -> {
                    assertThat(payloads).hasSize(1); // the reply, and no event
                    CommandReply reply = dev.paygate.contracts.json.PaygateJson.wire()
                            .readValue(payloads.get(0), CommandReply.class);
                    assertThat(reply.status()).isEqualTo(502);
                    assertThat(reply.code()).isEqualTo("acquirer_unavailable");
                })
                .verifyComplete();
    }
}
