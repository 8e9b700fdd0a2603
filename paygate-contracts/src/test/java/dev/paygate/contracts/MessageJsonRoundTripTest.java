package dev.paygate.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.contracts.command.AuthenticateSessionPayment;
import dev.paygate.contracts.command.CancelPayment;
import dev.paygate.contracts.command.CancelTransaction;
import dev.paygate.contracts.command.CapturePayment;
import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.command.CompleteThreeDs;
import dev.paygate.contracts.command.ConfirmPayment;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.command.CreateSession;
import dev.paygate.contracts.command.ExpireSession;
import dev.paygate.contracts.command.PaySession;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.command.SecupayRefund;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.Address;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.contracts.resource.Session;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every message type survives a JSON round trip, with logical type names on the wire. */
class MessageJsonRoundTripTest {

    private final JsonMapper json = PaygateJson.wire();

    static final Instant T0 = Instant.parse("2024-03-29T05:33:26Z");

    static Session session() {
        return new Session(
                Ids.SESSION.next(),
                20000,
                T0,
                "EUR",
                CustomerDetails.EMPTY,
                T0.plusSeconds(1200),
                "https://mybestmerchantreturnurl.com/failure",
                "EN",
                "4002",
                Map.of(),
                new Session.PaymentData("automatic"),
                "unpaid",
                "expired",
                "https://mybestmerchantreturnurl.com/success",
                null,
                2);
    }

    @Test
    void createSessionCommand() {
        PaymentCommand command = new CreateSession(
                Ids.COMMAND.next(),
                Ids.MERCHANT.next(),
                Ids.SESSION.next(),
                20000,
                "EUR",
                new CustomerDetails(
                        new Address("Test city", "CY", "l1", null, "1234", null),
                        "test@example.com",
                        "TEST CARDHOLDER",
                        "+449998887766"),
                T0,
                "https://x.test/f",
                "https://x.test/s",
                "EN",
                "4002",
                Map.of("order", "42"),
                "manual");

        String wire = json.writeValueAsString(command);

        assertThat(json.readTree(wire).get("type").asString()).isEqualTo("session.create");
        assertThat(wire).doesNotContain("dev.paygate");
        assertThat(json.readValue(wire, PaymentCommand.class)).isEqualTo(command);
    }

    @Test
    void expireSessionCommand() {
        PaymentCommand command = new ExpireSession(Ids.COMMAND.next(), Ids.MERCHANT.next(), Ids.SESSION.next());

        String wire = json.writeValueAsString(command);

        assertThat(json.readTree(wire).get("type").asString()).isEqualTo("session.expire");
        assertThat(json.readValue(wire, PaymentCommand.class)).isEqualTo(command);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> paymentCommands() {
        CardDetails card = new CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "TEST CARDHOLDER");
        String m = Ids.MERCHANT.next();
        String p = Ids.PAYMENT.next();
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(
                        "payment.create",
                        new CreatePayment(
                                Ids.COMMAND.next(),
                                m,
                                p,
                                Ids.transactionId(),
                                10000,
                                "EUR",
                                "manual",
                                true,
                                card,
                                CustomerDetails.EMPTY,
                                "d",
                                "123",
                                Map.of("k", "v"),
                                "https://x.test/",
                                Payment.PaymentMethodOptions.DEFAULT,
                                new Payment.SetupFutureUsage("unscheduled"))),
                org.junit.jupiter.params.provider.Arguments.of(
                        "payment.confirm", new ConfirmPayment(Ids.COMMAND.next(), m, p, card)),
                org.junit.jupiter.params.provider.Arguments.of(
                        "payment.capture", new CapturePayment(Ids.COMMAND.next(), m, p, 500L)),
                org.junit.jupiter.params.provider.Arguments.of(
                        "payment.cancel", new CancelPayment(Ids.COMMAND.next(), m, p, "duplicate")),
                org.junit.jupiter.params.provider.Arguments.of(
                        "payment.complete3ds", new CompleteThreeDs(Ids.COMMAND.next(), m, p, true)),
                org.junit.jupiter.params.provider.Arguments.of(
                        "session.pay",
                        new PaySession(Ids.COMMAND.next(), m, Ids.SESSION.next(), p, Ids.transactionId(), card)),
                org.junit.jupiter.params.provider.Arguments.of(
                        "session.authenticate",
                        new AuthenticateSessionPayment(Ids.COMMAND.next(), m, Ids.SESSION.next(), p, false)),
                org.junit.jupiter.params.provider.Arguments.of(
                        "transaction.cancel",
                        new CancelTransaction(
                                Ids.COMMAND.next(),
                                m,
                                p,
                                Ids.transactionId(),
                                995L,
                                "One piece less",
                                Ids.REFUND.next())));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("paymentCommands")
    void paymentCommandsRoundTripWithTheirLogicalName(String type, PaymentCommand command) {
        String wire = json.writeValueAsString(command);

        assertThat(json.readTree(wire).get("type").asString()).isEqualTo(type);
        assertThat(json.readValue(wire, PaymentCommand.class)).isEqualTo(command);
    }

    @Test
    void paymentResourceHasTheDocumentedShape() {
        Payment payment = new Payment(
                Ids.PAYMENT.next(),
                10000,
                0,
                0,
                T0,
                "automatic",
                T0,
                "EUR",
                new CustomerDetails(
                        new Address(
                                "Test city", "CY", "Test address1", "Test address2", "Test postal code", "Test state"),
                        "test@example.com",
                        "TEST CARDHOLDER",
                        "+449998887766"),
                "Some description",
                "123",
                Map.of(),
                new Payment.PaymentMethod(new Payment.Card(12, 2024, "TEST CARDHOLDER", "411111**1111"), "card"),
                Payment.PaymentMethodOptions.DEFAULT,
                "https://mybestmerchantreturnurl.com/",
                new Payment.SetupFutureUsage("unscheduled"),
                "canceled",
                0,
                "requestedByCustomer",
                Ids.transactionId(),
                null,
                3);

        String wire = json.writeValueAsString(payment);

        assertThat(json.readValue(wire, Payment.class)).isEqualTo(payment);
        JsonNode tree = json.readTree(wire);
        assertThat(tree.propertyNames())
                .startsWith(
                        "id",
                        "amount",
                        "amountCapturable",
                        "amountReceived",
                        "canceledAt",
                        "captureMethod",
                        "created",
                        "currency",
                        "customerDetails",
                        "description",
                        "merchantCustomerId",
                        "metadata",
                        "paymentMethod",
                        "paymentMethodOptions",
                        "returnUrl",
                        "setupFutureUsage",
                        "status");
        assertThat(tree.get("paymentMethod").get("card").get("maskedNumber").asString())
                .isEqualTo("411111**1111");
        assertThat(tree.get("paymentMethodOptions")
                        .get("card")
                        .get("threeDSecureMode")
                        .asString())
                .isEqualTo("automatic");
        assertThat(tree.get("customerDetails").get("address").get("postalCode").asString())
                .isEqualTo("Test postal code");
        assertThat(Ids.isTransactionId(tree.get("transactionId").asString())).isTrue();
    }

    @Test
    void refundCommandAndResource() {
        dev.paygate.contracts.command.RefundCommand command = new dev.paygate.contracts.command.CreateRefund(
                Ids.COMMAND.next(),
                Ids.MERCHANT.next(),
                Ids.REFUND.next(),
                Ids.PAYMENT.next(),
                70000L,
                "requestedByCustomer",
                Map.of("k", "v"),
                null,
                null);
        String wire = json.writeValueAsString(command);
        assertThat(json.readTree(wire).get("type").asString()).isEqualTo("refund.create");
        assertThat(json.readValue(wire, dev.paygate.contracts.command.RefundCommand.class))
                .isEqualTo(command);

        dev.paygate.contracts.command.RefundCommand secupay = new dev.paygate.contracts.command.CreateRefund(
                Ids.COMMAND.next(),
                Ids.MERCHANT.next(),
                Ids.REFUND.next(),
                Ids.PAYMENT.next(),
                null,
                null,
                Map.of(),
                null,
                new SecupayRefund(Ids.COMMAND.next(), 48006155, "07.04.22", 48006156, "One piece less"));
        assertThat(json.readValue(json.writeValueAsString(secupay), dev.paygate.contracts.command.RefundCommand.class))
                .isEqualTo(secupay);

        dev.paygate.contracts.command.RefundCommand reverse = new dev.paygate.contracts.command.ReverseRefund(
                Ids.COMMAND.next(), Ids.MERCHANT.next(), Ids.REFUND.next(), Ids.PAYMENT.next(), "chargeback");
        String reverseWire = json.writeValueAsString(reverse);
        assertThat(json.readTree(reverseWire).get("type").asString()).isEqualTo("refund.reverse");
        assertThat(json.readValue(reverseWire, dev.paygate.contracts.command.RefundCommand.class))
                .isEqualTo(reverse);

        dev.paygate.contracts.resource.Refund refund = new dev.paygate.contracts.resource.Refund(
                70000,
                Instant.parse("2024-03-31T23:52:06Z"),
                "EUR",
                Ids.REFUND.next(),
                Ids.PAYMENT.next(),
                "succeeded",
                null,
                Map.of(),
                null,
                null,
                2);
        String refundWire = json.writeValueAsString(refund);
        assertThat(json.readValue(refundWire, dev.paygate.contracts.resource.Refund.class))
                .isEqualTo(refund);
        assertThat(json.readTree(refundWire).propertyNames())
                .startsWith("amount", "created", "currency", "id", "paymentId", "status");
    }

    @Test
    void unknownCommandTypeIsRefused() {
        assertThatThrownBy(() ->
                        json.readValue("{\"type\":\"session.explode\",\"commandId\":\"x\"}", PaymentCommand.class))
                .hasMessageContaining("session.explode");
    }

    @Test
    void commandReplies() {
        JsonNode resource = json.valueToTree(session());
        CommandReply ok = CommandReply.ok(Ids.COMMAND.next(), resource);
        CommandReply problem = CommandReply.problem(
                Ids.COMMAND.next(), 409, ProblemCodes.SESSION_INVALID_STATUS, "Session is expired", null);

        // a tree read back may hold an int where the original held a long: compare what goes on the wire
        String okWire = json.writeValueAsString(ok);
        CommandReply okBack = json.readValue(okWire, CommandReply.class);
        assertThat(json.writeValueAsString(okBack)).isEqualTo(okWire);
        assertThat(json.treeToValue(okBack.resource(), Session.class))
                .isEqualTo(json.treeToValue(resource, Session.class));
        assertThat(json.readValue(json.writeValueAsString(problem), CommandReply.class))
                .isEqualTo(problem);
        assertThat(json.writeValueAsString(problem)).doesNotContain("resource");
        // isOk() is derived from status, not a field: it stays off the wire, and a reply from an older
        // producer that still wrote it reads fine
        assertThat(json.readTree(okWire).has("ok")).isFalse();
        String olderWire = okWire.substring(0, okWire.length() - 1) + ",\"ok\":true}";
        assertThat(json.readValue(olderWire, CommandReply.class).isOk()).isTrue();
    }

    @Test
    void sessionResourceHasTheDocumentedShape() {
        Session session = session();

        String wire = json.writeValueAsString(session);
        JsonNode tree = json.readTree(wire);

        assertThat(json.readValue(wire, Session.class)).isEqualTo(session);
        assertThat(tree.get("created").asString()).isEqualTo("2024-03-29T05:33:26Z");
        assertThat(tree.get("expiresAt").asString()).isEqualTo("2024-03-29T05:53:26Z");
        assertThat(tree.get("customerDetails").isEmpty()).isTrue();
        assertThat(tree.get("paymentData").get("captureMethod").asString()).isEqualTo("automatic");
        assertThat(tree.has("paymentId")).isFalse();
        assertThat(tree.propertyNames()).startsWith("id", "amount", "created", "currency", "customerDetails");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void stateChangeThroughCloudEventsBinaryMode(EventType type) {
        Session session = session();
        StateChange change = new StateChange(
                Ids.EVENT.next(),
                type,
                "/paygate/payment-service",
                T0,
                session.id(),
                Ids.MERCHANT.next(),
                session.id(),
                json.writeValueAsString(session));

        ProducerRecord<String, byte[]> produced = CloudEventsKafka.toRecord(Topics.PAYMENT_EVENTS, change);
        ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>(
                produced.topic(),
                0,
                0L,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                produced.key(),
                produced.value(),
                produced.headers(),
                java.util.Optional.empty());

        assertThat(CloudEventsKafka.fromRecord(consumed)).isEqualTo(change);
        assertThat(CloudEventsKafka.headers(change))
                .containsEntry("ce_type", type.wireName())
                .containsEntry("ce_id", change.id())
                .containsEntry("ce_subject", session.id())
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_merchantid", change.merchantId())
                .containsEntry("content-type", "application/json")
                .containsKey("ce_time")
                .containsKey("ce_source");
    }
}
