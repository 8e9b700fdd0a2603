package dev.paygate.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What each kind of answer does to a delivery, on a schedule without jitter. */
class DeliveryDecisionTest {

    static final Instant T = Instant.parse("2026-11-22T05:00:00Z");
    static final RetrySchedule SCHEDULE =
            new RetrySchedule(List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5)), () -> 0.5);
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    static AttemptResult answer(Integer status, Duration retryAfter) {
        return new AttemptResult(T, status, 12, status == null ? "no answer within 15000 ms" : null, null, retryAfter);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 299})
    void a2xxSucceeds(int status) {
        assertThat(DeliveryDecision.after(answer(status, null), 1, SCHEDULE, MAX_RETRY_AFTER))
                .isEqualTo(new DeliveryDecision("succeeded", null, false));
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 400, 404, 429, 500, 503})
    void everythingElseIsRetriedOnTheSchedule(int status) {
        assertThat(DeliveryDecision.after(answer(status, null), 1, SCHEDULE, MAX_RETRY_AFTER))
                .isEqualTo(new DeliveryDecision("pending", Duration.ofSeconds(5), false));
        assertThat(DeliveryDecision.after(answer(status, null), 2, SCHEDULE, MAX_RETRY_AFTER))
                .isEqualTo(new DeliveryDecision("pending", Duration.ofMinutes(5), false));
    }

    @Test
    void noAnswerIsAFailureToo() {
        assertThat(DeliveryDecision.after(answer(null, null), 1, SCHEDULE, MAX_RETRY_AFTER)
                        .status())
                .isEqualTo("pending");
    }

    @Test
    void afterTheLastAttemptTheDeliveryFails() {
        assertThat(DeliveryDecision.after(answer(500, null), 3, SCHEDULE, MAX_RETRY_AFTER))
                .isEqualTo(new DeliveryDecision("failed", null, false));
    }

    @Test
    void goneFailsAtOnceAndDisablesTheEndpoint() {
        DeliveryDecision d = DeliveryDecision.after(answer(410, null), 1, SCHEDULE, MAX_RETRY_AFTER);

        assertThat(d).isEqualTo(new DeliveryDecision("failed", null, true));
        assertThat(d.failed()).isTrue();
    }

    @Test
    void retryAfterIsHonouredWhenLongerThanTheScheduleAndBounded() {
        assertThat(DeliveryDecision.after(answer(429, Duration.ofSeconds(60)), 1, SCHEDULE, MAX_RETRY_AFTER)
                        .retryIn())
                .isEqualTo(Duration.ofSeconds(60));
        // shorter than the schedule: the schedule's wait stands
        assertThat(DeliveryDecision.after(answer(503, Duration.ofSeconds(1)), 1, SCHEDULE, MAX_RETRY_AFTER)
                        .retryIn())
                .isEqualTo(Duration.ofSeconds(5));
        // absurdly long: capped
        assertThat(DeliveryDecision.after(answer(503, Duration.ofDays(30)), 1, SCHEDULE, MAX_RETRY_AFTER)
                        .retryIn())
                .isEqualTo(MAX_RETRY_AFTER);
        // it never adds attempts: after the last one the delivery fails whatever the receiver asked
        assertThat(DeliveryDecision.after(answer(503, Duration.ofSeconds(60)), 3, SCHEDULE, MAX_RETRY_AFTER)
                        .status())
                .isEqualTo("failed");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(WebhookSender.retryAfter("120", T)).isEqualTo(Duration.ofSeconds(120));
        assertThat(WebhookSender.retryAfter(" 0 ", T)).isEqualTo(Duration.ZERO);
        assertThat(WebhookSender.retryAfter("Sun, 22 Nov 2026 05:02:00 GMT", T)).isEqualTo(Duration.ofMinutes(2));
        assertThat(WebhookSender.retryAfter("Sun, 22 Nov 2026 04:00:00 GMT", T)).isEqualTo(Duration.ZERO);
        assertThat(WebhookSender.retryAfter("99999999999999999999", T)).isGreaterThan(Duration.ofDays(365));
        assertThat(WebhookSender.retryAfter("soon", T)).isNull();
        assertThat(WebhookSender.retryAfter("-5", T)).isNull();
        assertThat(WebhookSender.retryAfter(null, T)).isNull();
    }
}
