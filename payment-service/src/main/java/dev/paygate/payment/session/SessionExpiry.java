package dev.paygate.payment.session;

import dev.paygate.contracts.event.EventType;
import dev.paygate.payment.lifecycle.Changes;
import dev.paygate.payment.session.domain.StoredSession;
import dev.paygate.payment.session.store.SessionStore;
import dev.paygate.support.PeriodicJob;
import dev.paygate.support.outbox.Outbox;
import dev.paygate.support.outbox.OutboxRelay;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Expires {@code open} sessions that reached {@code expiresAt}, with the same {@code session.expired} event as
 * an explicit expire. Every instance runs it: each batch locks its rows with {@code SKIP LOCKED} and re-checks
 * the status under the lock, so no session is expired twice, and a concurrent command for the same session
 * waits for the lock and then sees {@code expired}.
 */
@Component
class SessionExpiry extends PeriodicJob {

    private static final int BATCH = 200;

    private final SessionStore sessions;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final TransactionalOperator tx;
    private final Changes changes;
    private final Clock clock;

    public SessionExpiry(
            SessionStore sessions,
            Outbox outbox,
            OutboxRelay relay,
            TransactionalOperator tx,
            Changes changes,
            Clock clock,
            SessionProperties properties) {
        super("session expiry", properties.getExpiryInterval());
        this.sessions = sessions;
        this.outbox = outbox;
        this.relay = relay;
        this.tx = tx;
        this.changes = changes;
        this.clock = clock;
    }

    /** Expires every due session, a batch at a time. */
    @Override
    protected Mono<Integer> runOnce() {
        return expireDue().expand(n -> n == BATCH ? expireDue() : Mono.empty()).reduce(0, Integer::sum);
    }

    /** Expires one batch of due sessions; emits how many. */
    public Mono<Integer> expireDue() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // read the whole batch before writing: a connection can't take the next statement while a result
        // is still streaming (r2dbc-postgresql would wait for ever)
        Mono<Integer> batch = sessions.lockDueForExpiry(now, BATCH)
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(session -> expire(session, now))
                .count()
                .map(Long::intValue);
        return tx.transactional(batch).doOnNext(n -> {
            if (n > 0) {
                relay.wakeUp();
            }
        });
    }

    private Mono<StoredSession> expire(StoredSession session, Instant now) {
        StoredSession expired = session.expire(now);
        return sessions.updateStatus(expired)
                .then(outbox.append(changes.sessionEvent(
                        expired.id(),
                        expired.merchantId(),
                        expired.updated(),
                        expired.toResource(),
                        EventType.SESSION_EXPIRED)))
                .thenReturn(expired);
    }
}
