package dev.paygate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.support.retention.Retention;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Events, deliveries and attempts are purged 30 days after they happened — delivered ones and dead letters alike —
 * while a delivery still pending keeps its event and its attempts, newer ones stay listed, and a state change
 * redelivered inside the window still makes no second delivery.
 */
class WebhookRetentionIT extends DispatcherTestBase {

    @Autowired
    Retention retention;

    @Test
    void whatIsPastThirtyDaysGoesUnlessARetryStillNeedsIt() throws Exception {
        String merchant = Ids.MERCHANT.next();
        createEndpoint(merchant, "/retention", List.of("*"));
        StateChange delivered = event(merchant);
        StateChange deadLetter = event(merchant);
        StateChange pending = event(merchant);
        StateChange recent = event(merchant);
        for (StateChange change : List.of(delivered, deadLetter, pending, recent)) {
            publish(Topics.PAYMENT_EVENTS, change);
        }
        await().atMost(WITHIN)
                .until(() -> count(
                                "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id"
                                        + " WHERE e.merchant_id = ? AND d.status = 'succeeded'",
                                merchant)
                        == 4);

        for (StateChange old : List.of(delivered, deadLetter, pending)) {
            backdate(old.id(), "31 days");
        }
        update("UPDATE deliveries SET status = 'failed', next_attempt_at = NULL WHERE event_id = ?", deadLetter.id());
        // a retry due tomorrow (the dispatcher was down for a month): everything it needs stays
        update(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = now() + interval '1 day' WHERE event_id = ?",
                pending.id());
        backdate(recent.id(), "29 days");

        retention.runOnce().block(Duration.ofSeconds(30));

        assertThat(eventsLeft(merchant)).containsExactlyInAnyOrder(pending.id(), recent.id());
        for (StateChange gone : List.of(delivered, deadLetter)) {
            assertThat(count("SELECT count(*) FROM deliveries WHERE event_id = ?", gone.id()))
                    .isZero();
            assertThat(count(
                            "SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
                                    + " WHERE d.event_id = ?",
                            gone.id()))
                    .isZero();
        }
        for (StateChange kept : List.of(pending, recent)) {
            assertThat(count("SELECT count(*) FROM deliveries WHERE event_id = ?", kept.id()))
                    .isEqualTo(1);
            assertThat(count(
                            "SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
                                    + " WHERE d.event_id = ?",
                            kept.id()))
                    .isEqualTo(1);
        }
        // the events API shows what is kept
        JsonNode listed = json(api.get()
                .uri("/internal/events")
                .header(MERCHANT, merchant)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());
        assertThat(StreamSupport.stream(listed.get("data").spliterator(), false)
                        .map(e -> e.get("id").asString()))
                .containsExactlyInAnyOrder(pending.id(), recent.id());

        // the state change of a kept event comes again (its consumer group was reset): no second delivery
        publish(Topics.PAYMENT_EVENTS, recent);
        // the same key, so the same partition: once this one is in, the redelivery before it was handled
        StateChange marker = change(
                EventType.PAYMENT_SUCCEEDED,
                merchant,
                recent.subject(),
                recent.key(),
                "{\"id\":\"" + recent.subject() + "\",\"version\":2}");
        publish(Topics.PAYMENT_EVENTS, marker);
        await().atMost(WITHIN)
                .until(() -> count("SELECT count(*) FROM deliveries WHERE event_id = ?", marker.id()) == 1);
        assertThat(count("SELECT count(*) FROM deliveries WHERE event_id = ?", recent.id()))
                .isEqualTo(1);
        assertThat(receiver.at("/retention").stream().filter(w -> w.body().contains(recent.id())))
                .hasSize(1);
    }

    static StateChange event(String merchant) {
        String paymentId = Ids.PAYMENT.next();
        return change(
                EventType.PAYMENT_SUCCEEDED,
                merchant,
                paymentId,
                paymentId,
                "{\"id\":\"" + paymentId + "\",\"version\":1}");
    }

    static List<String> eventsLeft(String merchant) throws SQLException {
        return rows("SELECT id FROM events WHERE merchant_id = ?", merchant).stream()
                .map(row -> (String) row.get(0))
                .toList();
    }

    static void backdate(String eventId, String age) throws SQLException {
        update("UPDATE events SET created_at = now() - interval '" + age + "' WHERE id = ?", eventId);
        update("UPDATE deliveries SET created_at = now() - interval '" + age + "' WHERE event_id = ?", eventId);
        update(
                "UPDATE delivery_attempts SET attempted_at = now() - interval '" + age + "' WHERE delivery_id IN"
                        + " (SELECT id FROM deliveries WHERE event_id = ?)",
                eventId);
    }

    static void update(String sql, Object... params) throws SQLException {
        String url = DB_URL + (DB_URL.contains("?") ? "&" : "?") + "currentSchema=webhook";
        try (Connection connection = DriverManager.getConnection(url, INFRA.dbUser(), INFRA.dbPassword());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            assertThat(statement.executeUpdate()).isPositive();
        }
    }
}
