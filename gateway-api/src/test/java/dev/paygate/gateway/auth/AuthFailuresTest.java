package dev.paygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.gateway.GatewayProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-22T05:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static AuthFailures withLimit(int limit, Duration window, Clock clock) {
        GatewayProperties properties = new GatewayProperties();
        properties.setAuthFailureLimit(limit);
        properties.setAuthFailureWindow(window);
        return new AuthFailures(properties, clock);
    }

    @Test
    void aClientIsRefusedAfterTheLimitUntilItsWindowEnds() {
        MovableClock clock = new MovableClock();
        AuthFailures failures = withLimit(3, Duration.ofMinutes(1), clock);

        failures.failed("10.1.1.1");
        clock.now = clock.now.plusSeconds(10);
        failures.failed("10.1.1.1");
        assertThat(failures.blocked("10.1.1.1")).isEmpty();
        failures.failed("10.1.1.1");

        assertThat(failures.blocked("10.1.1.1")).contains(Duration.ofSeconds(50));
        assertThat(failures.blocked("10.2.2.2")).isEmpty();
        clock.now = clock.now.plusSeconds(49);
        assertThat(failures.blocked("10.1.1.1")).contains(Duration.ofSeconds(1));
        clock.now = clock.now.plusSeconds(1);
        assertThat(failures.blocked("10.1.1.1")).isEmpty();
        // a failure after the window starts a new one
        failures.failed("10.1.1.1");
        assertThat(failures.blocked("10.1.1.1")).isEmpty();
    }
}
