package dev.paygate.support.outbox;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * What a command writes once everything outside the database (the bank) has answered: the writes run in the
 * command's transaction, with its inbox row and the messages they emit. Work that is prepared outside a
 * transaction and committed in a short one: no transaction stays open, and no lock is held, while the bank works.
 */
@FunctionalInterface
public interface Plan {

    /** Runs inside the transaction; emits the messages to publish. */
    Mono<List<OutboxMessage>> writes();

    /** Nothing to write but these messages (a refusal, an answer). */
    static Plan of(List<OutboxMessage> messages) {
        return () -> Mono.just(messages);
    }
}
