package dev.paygate.payment.session.api;

import dev.paygate.contracts.InternalHeaders;
import dev.paygate.contracts.resource.Session;
import dev.paygate.payment.session.domain.StoredSession;
import dev.paygate.payment.session.store.SessionStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Internal read API for the gateway (never exposed publicly): sessions are read where they are owned.
 * Another merchant's session answers 404, like a missing one.
 */
@RestController
class InternalSessionController {

    private final SessionStore store;

    public InternalSessionController(SessionStore store) {
        this.store = store;
    }

    @GetMapping("/internal/sessions/{id}")
    public Mono<ResponseEntity<Session>> get(
            @PathVariable String id, @RequestHeader(InternalHeaders.MERCHANT_HEADER) String merchantId) {
        return store.find(id, merchantId)
                .map(StoredSession::toResource)
                .map(ResponseEntity::ok)
                .defaultIfEmpty(ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }
}
