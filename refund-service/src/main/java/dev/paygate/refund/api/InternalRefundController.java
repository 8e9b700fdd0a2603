package dev.paygate.refund.api;

import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.resource.Refund;
import dev.paygate.refund.domain.StoredRefund;
import dev.paygate.refund.store.RefundStore;
import dev.paygate.support.http.Paging;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Internal read API for the gateway: a refund, and a payment's refunds newest first with a cursor. */
@RestController
class InternalRefundController {

    private final RefundStore refunds;

    public InternalRefundController(RefundStore refunds) {
        this.refunds = refunds;
    }

    @GetMapping("/internal/refunds/{id}")
    public Mono<ResponseEntity<Refund>> get(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return refunds.find(id, merchantId)
                .map(StoredRefund::toResource)
                .map(ResponseEntity::ok)
                .defaultIfEmpty(ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }

    /** {@code {data, hasMore}}; the gateway has checked {@code limit} (1 … 100). */
    @GetMapping("/internal/payments/{id}/refunds")
    public Mono<Map<String, Object>> list(
            @PathVariable String id,
            @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId,
            @RequestParam int limit,
            @RequestParam(required = false) String startingAfter) {
        return refunds.list(id, merchantId, startingAfter, limit + 1)
                .map(StoredRefund::toResource)
                .collectList()
                .map(page -> Paging.page(page, limit));
    }
}
