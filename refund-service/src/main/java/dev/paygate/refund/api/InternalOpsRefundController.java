package dev.paygate.refund.api;

import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.refund.store.RefundStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Internal, operator-wide read for the gateway's ops console (never exposed publicly; the gateway guards it with the
 * operator token): refunds pending for longer than a threshold, across merchants, the oldest first. Only what an
 * operator needs to chase one: ids, merchant, amount, age — no metadata or description.
 */
@RestController
class InternalOpsRefundController {

    static final long MAX_AGE_SECONDS = 30L * 24 * 3600;

    private final RefundStore refunds;
    private final Clock clock;

    public InternalOpsRefundController(RefundStore refunds, Clock clock) {
        this.refunds = refunds;
        this.clock = clock;
    }

    /** {@code {olderThanSeconds, total, data: [{id, paymentId, merchantId, amount, currency, created, ageSeconds}]}}. */
    @GetMapping("/internal/ops/pending-refunds")
    public Mono<Map<String, Object>> pending(
            @RequestParam long olderThanSeconds, @RequestParam(defaultValue = "50") int limit) {
        if (olderThanSeconds < 0 || olderThanSeconds > MAX_AGE_SECONDS || limit < 1 || limit > 100) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST, "olderThanSeconds must be 0 to " + MAX_AGE_SECONDS + ", limit 1 to 100");
        }
        Instant now = clock.instant();
        Instant before = now.minus(Duration.ofSeconds(olderThanSeconds));
        return refunds.pendingCreatedBefore(before, limit)
                .zipWith(refunds.countPendingCreatedBefore(before))
                .map(found -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("olderThanSeconds", olderThanSeconds);
                    answer.put("total", found.getT2());
                    answer.put(
                            "data", found.getT1().stream().map(r -> row(r, now)).toList());
                    return answer;
                });
    }

    private static Map<String, Object> row(StoredRefund refund, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", refund.id());
        row.put("paymentId", refund.paymentId());
        row.put("merchantId", refund.merchantId());
        row.put("amount", refund.amount());
        row.put("currency", refund.currency());
        row.put("created", refund.created().truncatedTo(ChronoUnit.SECONDS));
        row.put("lastChecked", refund.updated().truncatedTo(ChronoUnit.SECONDS));
        row.put("ageSeconds", Duration.between(refund.created(), now).toSeconds());
        return row;
    }
}
