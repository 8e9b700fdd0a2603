package dev.paygate.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookBodyTest {

    @Test
    void wrapsTheResourceAsItIsWithTheEventIdTypeAndSecondPrecisionTime() {
        String data =
                "{\"id\":\"re_1\",\"amount\":1000,\"status\":\"succeeded\",\"version\":2,\"big\":12345678901234567890.10}";
        StateChange change = new StateChange(
                "evt_1",
                EventType.REFUND_UPDATED,
                "/paygate/refund-service",
                Instant.parse("2026-11-22T10:15:30.987654Z"),
                "re_1",
                "mer_1",
                "p_1",
                data);

        assertThat(WebhookBody.of(change))
                .isEqualTo("{\"id\":\"evt_1\",\"type\":\"refund.updated\","
                        + "\"created\":\"2026-11-22T10:15:30Z\",\"apiVersion\":\"2023-10-31\",\"data\":{\"object\":"
                        + data + "}}");
    }

    @Test
    void refusesDataThatIsNotAJsonObject() {
        StateChange change = new StateChange(
                "evt_1",
                EventType.REFUND_UPDATED,
                "/paygate/refund-service",
                Instant.now(),
                "re_1",
                "mer_1",
                "p_1",
                "[1]");

        assertThatThrownBy(() -> WebhookBody.of(change)).isInstanceOf(IllegalArgumentException.class);
    }
}
