package dev.paygate.payment.lifecycle.api;

import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.payment.lifecycle.domain.StoredPayment;
import dev.paygate.payment.lifecycle.store.PaymentStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Internal read API for payments (the gateway's reads); another merchant's payment answers 404. */
@RestController
class InternalPaymentController {

    private final PaymentStore store;

    public InternalPaymentController(PaymentStore store) {
        this.store = store;
    }

    @GetMapping("/internal/payments/{id}")
    public Mono<ResponseEntity<Payment>> get(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return store.find(id, merchantId)
                .map(StoredPayment::toResource)
                .map(ResponseEntity::ok)
                .defaultIfEmpty(ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }
}
