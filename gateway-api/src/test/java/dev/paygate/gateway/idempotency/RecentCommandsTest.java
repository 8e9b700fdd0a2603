package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentCommandsTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    final TestClock clock = new TestClock();

    @Test
    void aRemovedCommandIsGivenOnce() {
        RecentCommands<String> commands = new RecentCommands<>(10, Duration.ofMinutes(5), clock);
        commands.put("cmd_1", "a");

        assertThat(commands.contains("cmd_1")).isTrue();
        assertThat(commands.remove("cmd_1")).isEqualTo("a");
        assertThat(commands.remove("cmd_1")).isNull();
        assertThat(commands.contains("cmd_1")).isFalse();
    }

    @Test
    void theOldestGoWhenFull() {
        RecentCommands<String> commands = new RecentCommands<>(2, Duration.ofMinutes(5), clock);
        commands.put("cmd_1", "a");
        commands.put("cmd_2", "b");
        commands.put("cmd_3", "c");

        assertThat(commands.size()).isEqualTo(2);
        assertThat(commands.contains("cmd_1")).isFalse();
        assertThat(commands.contains("cmd_3")).isTrue();
    }

    @Test
    void entriesExpire() {
        RecentCommands<String> commands = new RecentCommands<>(10, Duration.ofMinutes(5), clock);
        commands.put("cmd_1", "a");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        commands.put("cmd_2", "b");
        clock.now = clock.now.plus(Duration.ofMinutes(2)).plusSeconds(1);

        assertThat(commands.contains("cmd_1")).isFalse();
        assertThat(commands.remove("cmd_2")).isEqualTo("b");
    }
}
