package dev.paygate.payment.secupay;

import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.json.PaygateJson;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Internal read API for secupay transactions (the gateway's {@code /api/v2} reads); another merchant's is 404. */
@RestController
class InternalTransactionController {

    private final SecupayTransactions transactions;

    public InternalTransactionController(SecupayTransactions transactions) {
        this.transactions = transactions;
    }

    @GetMapping("/internal/transactions/{id}")
    public Mono<ResponseEntity<String>> get(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return transactions
                .find(id, merchantId)
                .map(t -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(PaygateJson.wire().writeValueAsString(t)))
                .defaultIfEmpty(ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }

    @GetMapping("/internal/transactions/{id}/owner")
    public Mono<ResponseEntity<SecupayTransactions.Owner>> owner(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return transactions
                .owner(id, merchantId)
                .map(ResponseEntity::ok)
                .defaultIfEmpty(ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }
}
