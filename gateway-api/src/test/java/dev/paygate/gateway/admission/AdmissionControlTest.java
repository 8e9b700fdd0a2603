package dev.paygate.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The admission limit as configured: it adapts to the latency of the writes admitted, and the filter applies it. */
class AdmissionControlTest {

    private static final AdmissionProperties DEFAULTS = new AdmissionProperties(null, null, null, null);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void theLimitGrowsWhileLatencyHoldsShrinksWhenAQueueFormsAndGrowsAgainOnceItIsGone() {
        SimpleLimiter<Void> limiter = AdmissionControl.limiter(new AdmissionProperties(true, 50, 10, 200), now::get);
        assertThat(limiter.getLimit()).isEqualTo(50);

        // every write takes 150 ms, as many in progress as the limit allows: no queue, the limit grows
        for (int round = 0; round < 100; round++) {
            saturate(limiter, Duration.ofMillis(150));
        }
        int grown = limiter.getLimit();
        assertThat(grown).isGreaterThan(60);

        // then each takes ten times as long: they queue behind each other, and the limit comes down
        for (int round = 0; round < 30; round++) {
            saturate(limiter, Duration.ofMillis(1500));
        }
        int shrunk = limiter.getLimit();
        assertThat(shrunk).isLessThan(grown / 3).isGreaterThanOrEqualTo(10);

        // and the queue drains: the limit grows again
        for (int round = 0; round < 100; round++) {
            saturate(limiter, Duration.ofMillis(150));
        }
        assertThat(limiter.getLimit()).isGreaterThan(shrunk + 20);
    }

    @Test
    void byDefaultItNeverSinksBelowTheFloorThatASlowBankNeeds() {
        SimpleLimiter<Void> limiter = AdmissionControl.limiter(DEFAULTS, now::get);
        assertThat(limiter.getLimit()).isEqualTo(100);
        for (int round = 0; round < 800; round++) {
            saturate(limiter, Duration.ofMillis(150));
        }
        assertThat(limiter.getLimit()).isEqualTo(256);
        for (int round = 0; round < 30; round++) {
            saturate(limiter, Duration.ofSeconds(5)); // the bank slows down: every write waits out the reply timeout
        }
        assertThat(limiter.getLimit()).isEqualTo(64);
    }

    @Test
    void aWriteBeyondTheLimitIsRefusedAtOnceWithRetryAfterAndReadsAndOtherPathsAreNotLimited() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AdmissionControl admission = new AdmissionControl(new AdmissionProperties(true, 1, 1, 1), meters);
        Sinks.Empty<Void> held = Sinks.empty();
        WebFilterChain slow = exchange -> held.asMono();
        WebFilterChain fast = exchange -> {
            exchange.getResponse().setStatusCode(HttpStatus.OK);
            return Mono.empty();
        };

        MockServerWebExchange first = post("/api2/refunds");
        Mono<Void> inProgress = admission.filter(first, slow);
        inProgress.subscribe();

        MockServerWebExchange second = post("/api2/refunds");
        StepVerifier.create(admission.filter(second, fast)).verifyComplete();
        assertThat(second.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(second.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(second.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        StepVerifier.create(second.getResponse().getBodyAsString())
                .assertNext(body ->
                        assertThat(body).contains("\"code\":\"overloaded\"").contains("nothing was done"))
                .verifyComplete();
        assertThat(meters.get("paygate.admission.rejected").counter().count()).isEqualTo(1);
        assertThat(meters.get("paygate.admission.in.progress").gauge().value()).isEqualTo(1);

        // the secupay endpoint is a write of the API too
        MockServerWebExchange secupay = post("/api/v2/Payment/Transactions/T1/cancel");
        StepVerifier.create(admission.filter(secupay, fast)).verifyComplete();
        assertThat(secupay.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);

        // not limited: reads, the hosted page (payers), the operator API
        for (MockServerWebExchange other : List.of(
                MockServerWebExchange.from(MockServerHttpRequest.get("/api2/refunds/re_1")),
                post("/pay/cs_1"),
                post("/admin/merchants"))) {
            StepVerifier.create(admission.filter(other, fast)).verifyComplete();
            assertThat(other.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        }

        // the write in progress ends: its place is free again
        held.tryEmitEmpty();
        MockServerWebExchange third = post("/api2/refunds");
        StepVerifier.create(admission.filter(third, fast)).verifyComplete();
        assertThat(third.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(meters.get("paygate.admission.in.progress").gauge().value()).isZero();
    }

    @Test
    void switchedOffItLimitsNothing() {
        AdmissionControl admission =
                new AdmissionControl(new AdmissionProperties(false, 1, 1, 1), new SimpleMeterRegistry());
        Sinks.Empty<Void> held = Sinks.empty();
        admission.filter(post("/api2/refunds"), exchange -> held.asMono()).subscribe();
        MockServerWebExchange second = post("/api2/refunds");
        StepVerifier.create(admission.filter(second, exchange -> {
                    exchange.getResponse().setStatusCode(HttpStatus.OK);
                    return Mono.empty();
                }))
                .verifyComplete();
        assertThat(second.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void limitsOutOfOrderAreRefusedAtStartUp() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AdmissionProperties(true, 5, 10, 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min-limit");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AdmissionProperties(true, 5, 1, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** As many writes in progress as the limit allows, each taking {@code latency}. */
    private void saturate(SimpleLimiter<Void> limiter, Duration latency) {
        List<Limiter.Listener> inProgress = new ArrayList<>();
        int limit = limiter.getLimit();
        for (int i = 0; i < limit; i++) {
            limiter.acquire(null).ifPresent(inProgress::add);
        }
        now.addAndGet(latency.toNanos());
        inProgress.forEach(Limiter.Listener::onSuccess);
    }

    private static MockServerWebExchange post(String path) {
        return MockServerWebExchange.from(MockServerHttpRequest.post(path).contentType(MediaType.APPLICATION_JSON));
    }
}
