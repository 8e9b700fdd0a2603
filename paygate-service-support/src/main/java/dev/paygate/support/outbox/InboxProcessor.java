package dev.paygate.support.outbox;

import java.util.List;
import java.util.function.Supplier;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Applies a consumed message exactly once in effect: records it in the inbox, runs the change, and appends
 * what the change produced (events, the reply) to the outbox, all in one transaction. A redelivered message
 * finds its inbox row and does nothing.
 */
public class InboxProcessor {

    private final Inbox inbox;
    private final Outbox outbox;
    private final TransactionalOperator tx;
    private final OutboxRelay relay;

    public InboxProcessor(Inbox inbox, Outbox outbox, TransactionalOperator tx, OutboxRelay relay) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.tx = tx;
        this.relay = relay;
    }

    /**
     * Emits {@code true} when the message was applied now, {@code false} when it had been applied before.
     *
     * @param change runs inside the transaction; emits the messages to publish, or fails (then nothing is
     *               recorded, and the message is redelivered)
     */
    public Mono<Boolean> applyOnce(String consumer, String messageId, Supplier<Mono<List<OutboxMessage>>> change) {
        Mono<Boolean> once = inbox.firstDelivery(consumer, messageId)
                .flatMap(first -> first
                        ? change.get().flatMap(outbox::append).thenReturn(true)
                        : Mono.just(false));
        return tx.transactional(once)
                .doOnNext(applied -> {
                    if (applied) {
                        relay.wakeUp();
                    }
                });
    }
}
