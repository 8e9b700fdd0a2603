package dev.paygate.webhook.ops;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.webhook.api.ApiProblem;
import dev.paygate.webhook.api.Paging;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Internal, operator-wide reads for the gateway's ops console (never exposed publicly; the gateway guards them with
 * the operator token): events by type within a window, failing endpoints, dead letters. Unlike the merchant API these
 * span every merchant, so they take no merchant header. A dead letter is retried through the merchant path
 * ({@code POST /internal/webhook-deliveries/{id}/retry}) with the merchant id each row carries.
 */
@RestController
class InternalOpsController {

    /** The longest window an operator may ask about: a week. */
    static final long MAX_WINDOW_SECONDS = 7 * 24 * 3600;

    private final OpsStore ops;
    private final Clock clock;

    public InternalOpsController(OpsStore ops, Clock clock) {
        this.ops = ops;
        this.clock = clock;
    }

    /** {@code {since, window, total, counts: {type: n}}}: events whose state change happened within the window. */
    @GetMapping("/internal/ops/event-counts")
    public Mono<Map<String, Object>> eventCounts(@RequestParam(required = false) String windowSeconds) {
        Duration window = window(windowSeconds, 86400);
        return ops.eventCounts(window).map(counts -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("since", clock.instant().minus(window).truncatedTo(ChronoUnit.SECONDS));
            answer.put("windowSeconds", window.toSeconds());
            answer.put(
                    "total", counts.values().stream().mapToLong(Long::longValue).sum());
            answer.put("counts", counts);
            return answer;
        });
    }

    /** {@code {windowSeconds, data}}: endpoints disabled for failing or gone, failing now, or failing within the window. */
    @GetMapping("/internal/ops/failing-endpoints")
    public Mono<Map<String, Object>> failingEndpoints(
            @RequestParam(required = false) String windowSeconds, @RequestParam(required = false) String limit) {
        Duration window = window(windowSeconds, 3600);
        int size = Paging.limit(limit == null ? "50" : limit);
        return ops.failingEndpoints(window, size).map(rows -> list(window, rows));
    }

    /** {@code {data}}: dead-lettered deliveries across merchants, the most recently failed first. */
    @GetMapping("/internal/ops/dead-letters")
    public Mono<Map<String, Object>> deadLetters(@RequestParam(required = false) String limit) {
        int size = Paging.limit(limit == null ? "50" : limit);
        return ops.deadLetters(size).map(rows -> list(null, rows));
    }

    private static Map<String, Object> list(Duration window, List<Map<String, Object>> rows) {
        Map<String, Object> answer = new LinkedHashMap<>();
        if (window != null) {
            answer.put("windowSeconds", window.toSeconds());
        }
        answer.put("data", rows);
        return answer;
    }

    private static Duration window(String seconds, long fallback) {
        if (seconds == null) {
            return Duration.ofSeconds(fallback);
        }
        try {
            long n = Long.parseLong(seconds);
            if (n >= 1 && n <= MAX_WINDOW_SECONDS) {
                return Duration.ofSeconds(n);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiProblem.badRequest(
                ProblemCodes.PARAMETER_INVALID,
                "windowSeconds must be an integer from 1 to " + MAX_WINDOW_SECONDS + ".",
                "windowSeconds");
    }
}
