package dev.paygate.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    static final List<Duration> DEFAULT = List.of(
            Duration.ZERO,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));

    @Test
    void eachDelayHasAtMostTwentyPercentJitterEitherWay() {
        RetrySchedule lowest = new RetrySchedule(DEFAULT, () -> 0.0);
        RetrySchedule middle = new RetrySchedule(DEFAULT, () -> 0.5);
        RetrySchedule highest = new RetrySchedule(DEFAULT, () -> 0.999_999);
        RetrySchedule high = new RetrySchedule(DEFAULT, () -> 0.75);

        assertThat(lowest.delayAfter(1)).contains(Duration.ofSeconds(4));
        assertThat(middle.delayAfter(1)).contains(Duration.ofSeconds(5));
        assertThat(high.delayAfter(1)).contains(Duration.ofMillis(5500));
        assertThat(highest.delayAfter(1)).contains(Duration.ofSeconds(6));
        assertThat(lowest.delayAfter(7)).contains(Duration.ofHours(8));
        assertThat(highest.delayAfter(7).orElseThrow())
                .isLessThanOrEqualTo(Duration.ofHours(12))
                .isGreaterThan(Duration.ofMinutes(719));
    }

    @Test
    void theFirstAttemptIsImmediateByDefault() {
        assertThat(new RetrySchedule(DEFAULT).firstDelay()).isZero();
    }

    @Test
    void thereAreAsManyAttemptsAsDelaysThenTheDeliveryHasFailed() {
        RetrySchedule schedule = new RetrySchedule(DEFAULT);

        assertThat(schedule.attempts()).isEqualTo(8);
        assertThat(schedule.delayAfter(7)).isPresent();
        assertThat(schedule.delayAfter(8)).isEmpty();
    }

    @Test
    void randomJitterStaysWithinItsBounds() {
        RetrySchedule schedule = new RetrySchedule(DEFAULT);
        for (int i = 0; i < 1000; i++) {
            assertThat(schedule.delayAfter(2).orElseThrow()).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));
        }
    }

    @Test
    void refusesAnEmptyOrNegativeSchedule() {
        assertThatThrownBy(() -> new RetrySchedule(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ofSeconds(-1))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
