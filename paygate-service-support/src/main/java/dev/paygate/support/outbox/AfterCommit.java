package dev.paygate.support.outbox;

import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Work that may only start once the current transaction has committed: a call to the bank for an intent the
 * transaction records. Rolled back, it never starts. Outside a transaction (auto-commit) it starts at once.
 */
public final class AfterCommit {

    private AfterCommit() {}

    /** Completes when {@code action} is registered (or, outside a transaction, has run). */
    public static Mono<Void> run(Runnable action) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .filter(TransactionSynchronizationManager::isSynchronizationActive)
                .map(manager -> {
                    manager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public Mono<Void> afterCommit() {
                            return Mono.fromRunnable(action);
                        }
                    });
                    return true;
                })
                .onErrorResume(NoTransactionException.class, e -> Mono.empty())
                .switchIfEmpty(Mono.fromSupplier(() -> {
                    action.run();
                    return true;
                }))
                .then();
    }
}
