package dev.paygate.gateway.admission;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.gateway.http.RequestSizeLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Load shedding: the merchant API's writes (POST and DELETE under {@code /api2} and {@code /api/v2}) in progress on
 * this instance are limited, and one beyond the limit is refused at once — 503 {@code overloaded} with
 * {@code Retry-After: 1} — before anything else happens: no key is looked up, no {@code Idempotency-Key} claimed, no
 * command published. So it changed nothing, and a retry with the same key runs as if it were the first.
 *
 * <p>Without it, writes offered beyond what the services and the bank process queue up in Kafka: every one waits
 * the reply timeout and gets 202, the backlog outlives the burst by minutes, and a merchant cannot tell a slow
 * Paygate from a broken one. With it, the writes admitted keep their normal latency and the rest learn at once to
 * come back.
 *
 * <p>The limit adapts ({@link Gradient2Limit}, Netflix's concurrency-limits): it grows while the latency of the
 * writes admitted stays near its long-run average and shrinks, by up to half per window, as they slow down — a
 * queue forming behind them. A write answered 202 (no reply within the reply timeout) counts with its full,
 * long latency; one that the caller abandoned is not a sample. Reads are not limited: they queue nowhere.
 * The hosted payment page is not either: it answers payers in HTML, not merchants' clients that retry.
 *
 * <p>Metrics: {@code paygate.admission.limit}, {@code paygate.admission.in.progress},
 * {@code paygate.admission.rejected}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
@EnableConfigurationProperties(AdmissionProperties.class)
class AdmissionControl implements WebFilter {

    static final String RETRY_AFTER_SECONDS = "1";

    private final boolean enabled;
    private final SimpleLimiter<Void> limiter;
    private final Counter rejected;

    @Autowired
    public AdmissionControl(AdmissionProperties properties, MeterRegistry meters) {
        this(properties, meters, System::nanoTime);
    }

    AdmissionControl(AdmissionProperties properties, MeterRegistry meters, LongSupplier nanoClock) {
        this.enabled = properties.enabled();
        this.limiter = limiter(properties, nanoClock);
        this.rejected = Counter.builder("paygate.admission.rejected")
                .description("API writes refused with 503 overloaded")
                .register(meters);
        Gauge.builder("paygate.admission.limit", limiter, SimpleLimiter::getLimit)
                .description("API writes this instance lets be in progress at once")
                .register(meters);
        Gauge.builder("paygate.admission.in.progress", limiter, SimpleLimiter::getInflight)
                .description("API writes in progress")
                .register(meters);
    }

    static SimpleLimiter<Void> limiter(AdmissionProperties properties, LongSupplier nanoClock) {
        return SimpleLimiter.newBuilder()
                .named("gateway-writes")
                .nanoClock(nanoClock)
                .limit(WindowedLimit.newBuilder()
                        // a window's average latency, not each request's, drives the limit: the mix of endpoints
                        // (a session created in milliseconds, a refund waiting for the bank) evens out in it
                        .minWindowTime(200, TimeUnit.MILLISECONDS)
                        .maxWindowTime(1, TimeUnit.SECONDS)
                        .windowSize(20)
                        .build(Gradient2Limit.newBuilder()
                                .initialLimit(properties.initialLimit())
                                .minLimit(properties.minLimit())
                                .maxConcurrency(properties.maxLimit())
                                .build()))
                .build();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!enabled || !limited(exchange)) {
            return chain.filter(exchange);
        }
        Optional<Limiter.Listener> admitted = limiter.acquire(null);
        if (admitted.isEmpty()) {
            rejected.increment();
            exchange.getResponse().getHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
            return RequestSizeLimit.writeProblem(
                    exchange,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ProblemCodes.OVERLOADED,
                    "Paygate is taking more requests than it can process right now, so this one was not started: "
                            + "nothing was done. Retry after Retry-After seconds, with the same Idempotency-Key.");
        }
        Limiter.Listener listener = admitted.get();
        return chain.filter(exchange).doFinally(signal -> {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            if (signal == SignalType.CANCEL) {
                listener.onIgnore(); // the caller left: its latency says nothing
            } else if (status != null && status.is5xxServerError()) {
                listener.onDropped();
            } else {
                listener.onSuccess();
            }
        });
    }

    private static boolean limited(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        if (method != HttpMethod.POST && method != HttpMethod.DELETE) {
            return false;
        }
        String path = exchange.getRequest().getPath().value();
        return path.startsWith("/api2/") || path.startsWith("/api/v2/");
    }
}
