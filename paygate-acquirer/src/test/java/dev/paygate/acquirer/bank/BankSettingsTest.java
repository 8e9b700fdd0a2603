package dev.paygate.acquirer.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BankSettingsTest {

    @Test
    void delaysSpreadOverLatencyPlusOrMinusJitter() {
        BankSettings settings = BankSettings.of(Duration.ofMillis(200), Duration.ofMillis(50));
        SplittableRandom random = new SplittableRandom(16);

        List<Long> delays = IntStream.range(0, 10_000)
                .mapToObj(i -> settings.nextDelay(random).toMillis())
                .toList();

        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(150L, 250L));
        assertThat(delays.stream().mapToLong(Long::longValue).min().orElseThrow())
                .isLessThan(155);
        assertThat(delays.stream().mapToLong(Long::longValue).max().orElseThrow())
                .isGreaterThan(245);
        assertThat(delays.stream().mapToLong(Long::longValue).average().orElseThrow())
                .isBetween(195.0, 205.0);
    }

    @Test
    void noJitterIsExactlyTheLatencyAndJitterNeverMakesItNegative() {
        SplittableRandom random = new SplittableRandom(16);

        assertThat(BankSettings.of(Duration.ofMillis(200), Duration.ZERO).nextDelay(random))
                .isEqualTo(Duration.ofMillis(200));
        assertThat(IntStream.range(0, 1000)
                        .mapToObj(i -> BankSettings.of(Duration.ofMillis(10), Duration.ofMillis(50))
                                .nextDelay(random)))
                .allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO));
    }

    @Test
    void whileSlowEveryOperationTakesTheSlowLatency() {
        java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
        BankSettings settings = BankSettings.of(Duration.ofMillis(200), Duration.ofMillis(50))
                .withSlow(slow::get, Duration.ofSeconds(9));
        SplittableRandom random = new SplittableRandom(16);

        assertThat(settings.nextDelay(random)).isLessThanOrEqualTo(Duration.ofMillis(250));
        slow.set(true);
        assertThat(settings.nextDelay(random)).isEqualTo(Duration.ofSeconds(9));
        assertThat(settings.withFailureRate(0.5).nextDelay(random))
                .as("kept by the other withers")
                .isEqualTo(Duration.ofSeconds(9));
        slow.set(false);
        assertThat(settings.nextDelay(random)).isLessThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> BankSettings.of(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BankSettings.of(Duration.ZERO, Duration.ZERO).withFailureRate(1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMainTakesOptionsFromArgumentsBeforeTheEnvironment() {
        BankServerMain.Options options = new BankServerMain.Options(
                new String[] {"--port=9000", "--latency=250ms"},
                Map.of("PAYGATE_BANK_PORT", "8000", "PAYGATE_BANK_JITTER", "2s", "PAYGATE_BANK_FAILURE_RATE", ""));

        assertThat(options.get("port", "8089")).isEqualTo("9000");
        assertThat(options.duration("latency", "200ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(options.duration("jitter", "50ms")).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.get("failure-rate", "0")).isEqualTo("0");
        assertThat(options.get("host", "127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(BankServerMain.Options.parse("PT0.25S")).isEqualTo(Duration.ofMillis(250));
        assertThat(BankServerMain.Options.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(BankServerMain.Options.parse("75")).isEqualTo(Duration.ofMillis(75));
    }
}
