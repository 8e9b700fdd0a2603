package dev.paygate.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.EventType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateChangesTest {

    record Thing(String id, String status) {}

    @Test
    void anAnnouncementIsACloudEventFromThisServiceWithTheResourceAsData() {
        StateChanges changes = new StateChanges("refund-service");
        Instant time = Instant.parse("2026-12-06T10:15:30Z");

        OutboxMessage a = changes.announce(
                Topics.REFUND_EVENTS,
                "refund",
                EventType.REFUND_UPDATED,
                time,
                "re_1",
                "mer_1",
                "pay_1",
                new Thing("re_1", "pending"));
        OutboxMessage b = changes.announce(
                Topics.REFUND_EVENTS,
                "refund",
                EventType.REFUND_UPDATED,
                time,
                "re_1",
                "mer_1",
                "pay_1",
                new Thing("re_1", "succeeded"));

        assertThat(changes.source()).isEqualTo("/paygate/refund-service");
        assertThat(a.topic()).isEqualTo(Topics.REFUND_EVENTS);
        assertThat(a.key()).isEqualTo("pay_1");
        assertThat(a.aggregateType()).isEqualTo("refund");
        assertThat(a.aggregateId()).isEqualTo("re_1");
        assertThat(a.type()).isEqualTo("refund.updated");
        assertThat(a.payload()).isEqualTo("{\"id\":\"re_1\",\"status\":\"pending\"}");
        Map<String, String> headers = a.headers();
        assertThat(headers)
                .containsEntry("ce_source", "/paygate/refund-service")
                .containsEntry("ce_type", "refund.updated")
                .containsEntry("ce_subject", "re_1")
                .containsEntry("ce_time", "2026-12-06T10:15:30Z");
        // every announcement is an event of its own
        assertThat(b.headers().get("ce_id")).startsWith("evt_").isNotEqualTo(headers.get("ce_id"));
    }
}
