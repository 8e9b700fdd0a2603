package dev.paygate.payment.session.api;

import dev.paygate.contracts.resource.Session;
import dev.paygate.payment.session.store.SessionStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Internal read for the gateway's hosted payment page (never exposed publicly): the payer knows only the
 * session id, which is the capability, so the session is read by id alone and comes with the merchant it
 * belongs to (the page pays it on that merchant's behalf).
 */
@RestController
class HostedSessionController {

    /** The session and whose it is. */
    public record HostedSession(String merchantId, Session session) {}

    private final SessionStore store;

    public HostedSessionController(SessionStore store) {
        this.store = store;
    }

    @GetMapping("/internal/hosted-sessions/{id}")
    public Mono<ResponseEntity<HostedSession>> get(@PathVariable String id) {
        return store.findById(id)
                .map(s -> new HostedSession(s.merchantId(), s.toResource()))
                .map(ResponseEntity::ok)
                .defaultIfEmpty(ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }
}
