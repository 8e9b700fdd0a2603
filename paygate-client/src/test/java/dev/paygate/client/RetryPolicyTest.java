package dev.paygate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy =
            new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30));

    @Test
    void theBackoffDoublesUpToItsCapWithJitterInItsUpperHalf() {
        long[] ceilings = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (int retry = 1; retry <= ceilings.length; retry++) {
            Set<Duration> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                Duration backoff = policy.backoff(retry);
                assertThat(backoff)
                        .isBetween(Duration.ofMillis(ceilings[retry - 1] / 2), Duration.ofMillis(ceilings[retry - 1]));
                seen.add(backoff);
            }
            assertThat(seen).as("jitter at retry %d", retry).hasSizeGreaterThan(50);
        }
        assertThat(policy.backoff(1_000)).isLessThanOrEqualTo(Duration.ofSeconds(2)); // no overflow
        RetryPolicy slow = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ZERO);
        for (int retry = 1; retry < 100; retry += 7) {
            assertThat(slow.backoff(retry)).isBetween(Duration.ofSeconds(5), Duration.ofMinutes(1));
        }
        assertThat(slow.backoff(40)).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aRetryAfterIsWaitedForUnlessItIsLongerThanThePolicyWaits() {
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(3)))).contains(Duration.ofSeconds(3));
        assertThat(policy.delay(8, Optional.of(Duration.ZERO)).orElseThrow())
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1)); // never sooner than the backoff
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(31)))).isEmpty();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(PaygateException.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        assertThat(PaygateException.retryAfter(inAMinute)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
        assertThat(PaygateException.retryAfter("soon")).isNull();
    }
}
