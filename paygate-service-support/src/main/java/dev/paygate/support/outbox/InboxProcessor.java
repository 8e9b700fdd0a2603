package dev.paygate.support.outbox;

import dev.paygate.support.observability.Traces;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Applies a consumed message exactly once in effect: records it in the inbox, runs the change, and appends
 * what the change produced (events, the reply) to the outbox, all in one transaction. A redelivered message
 * finds its inbox row and changes nothing; a command that had a reply gets that reply published again (the gateway
 * that sent it again is waiting for it: see the gateway's {@code IdempotentRequests}).
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
        java.util.concurrent.atomic.AtomicBoolean replayed = new java.util.concurrent.atomic.AtomicBoolean();
        Mono<Boolean> once = inbox.firstDelivery(consumer, messageId)
                .flatMap(first -> first
                        ? change.get()
                                .flatMap(messages -> forgetIfNothingChanged(consumer, messageId, messages)
                                        .then(outbox.append(messages)))
                                .thenReturn(true)
                        : outbox.replayReply(messageId).doOnNext(replayed::set).thenReturn(false));
        return tx.transactional(once).doOnNext(applied -> {
            if (applied || replayed.get()) {
                relay.wakeUp();
            }
        });
    }

    /**
     * Applies a message whose change is prepared outside any transaction (the bank asked) and written in a short
     * one: a message applied before is answered with its reply again and prepared no more; otherwise
     * {@code prepare} runs, and its {@link Plan} is written with the inbox row and the messages, as
     * {@link #applyOnce} does (should another delivery of the message have been applied meanwhile, the plan is
     * dropped and the reply sent again). Emits whether the message was applied now.
     */
    public Mono<Boolean> applyPlanned(String consumer, String messageId, Supplier<Mono<Plan>> prepare) {
        return inbox.seen(consumer, messageId)
                .flatMap(seen -> seen
                        ? tx.transactional(outbox.replayReply(messageId))
                                .doOnNext(replayed -> {
                                    if (replayed) {
                                        relay.wakeUp();
                                    }
                                })
                                .thenReturn(false)
                        : Mono.defer(prepare).flatMap(plan -> applyOnce(consumer, messageId, plan::writes)));
    }

    /**
     * Applies a poll's worth of messages in order, each at most once, all in <em>one</em> transaction: one commit
     * (one WAL flush) for the lot instead of one per message. If any fails, none is recorded and the whole lot is
     * redelivered; those applied before are then found in the inbox. Emits how many were applied now.
     *
     * @param id     the message's inbox key (command id, event id)
     * @param change runs inside the transaction for a message seen for the first time; emits what to publish
     */
    public <M> Mono<Integer> applyAllOnce(
            String consumer,
            List<M> messages,
            java.util.function.Function<M, String> id,
            java.util.function.Function<M, Mono<List<OutboxMessage>>> change) {
        return applyAllOnce(consumer, messages, id, m -> null, change);
    }

    /**
     * The same, where each message carries a trace of its own (a batch listener has no current trace): what a
     * message makes is published in the trace named by {@code traceparent} ({@code null}: the current one).
     */
    public <M> Mono<Integer> applyAllOnce(
            String consumer,
            List<M> messages,
            java.util.function.Function<M, String> id,
            java.util.function.Function<M, String> traceparent,
            java.util.function.Function<M, Mono<List<OutboxMessage>>> change) {
        java.util.concurrent.atomic.AtomicBoolean replayed = new java.util.concurrent.atomic.AtomicBoolean();
        // one statement records the poll in the inbox, one appends everything it made to the outbox; the changes
        // themselves run one after another, in order, each in its message's trace
        Mono<Integer> all = inbox.firstDeliveries(
                        consumer, messages.stream().map(id).toList())
                .flatMap(first -> {
                    java.util.Set<String> fresh = new java.util.HashSet<>(first);
                    List<Outbox.Traced> made = new java.util.ArrayList<>();
                    return reactor.core.publisher.Flux.fromIterable(messages)
                            .concatMap(m -> (fresh.remove(id.apply(m))
                                            ? Mono.defer(() -> change.apply(m))
                                                    .flatMap(out -> forgetIfNothingChanged(consumer, id.apply(m), out)
                                                            .then(outbox.traced(out))
                                                            .doOnNext(made::addAll))
                                                    .thenReturn(1)
                                            : outbox.replayReply(id.apply(m))
                                                    .doOnNext(r -> {
                                                        if (r) {
                                                            replayed.set(true);
                                                        }
                                                    })
                                                    .thenReturn(0))
                                    .contextWrite(Traces.parent(traceparent.apply(m))))
                            .reduce(0, Integer::sum)
                            .flatMap(applied -> outbox.insert(made).thenReturn(applied));
                });
        return tx.transactional(all).doOnNext(applied -> {
            if (applied > 0 || replayed.get()) {
                relay.wakeUp();
            }
        });
    }

    /**
     * Applies a poll's worth of events together, each at most once, in one transaction: the events seen for the first
     * time are handed to {@code change} all at once, in their order, so it can write them with set-based statements
     * (one per table, not one per event), and what it emits is appended to the outbox, in the current trace, in one
     * statement. Emits how many were applied now.
     *
     * @param id     the message's inbox key (the event id)
     * @param change runs inside the transaction with the fresh messages (never empty); emits what to publish
     */
    public <M> Mono<Integer> applyBatchOnce(
            String consumer,
            List<M> messages,
            java.util.function.Function<M, String> id,
            java.util.function.Function<List<M>, Mono<List<OutboxMessage>>> change) {
        return applyTracedBatchOnce(
                consumer, messages, id, fresh -> change.apply(fresh).flatMap(outbox::traced));
    }

    /**
     * The same for commands, each of which may have a trace of its own: {@code change} says in which trace each
     * message it makes is published, and a command seen before gets its reply published again (as
     * {@link #applyAllOnce} does). A change that fails fails the lot, which is redelivered.
     */
    public <M> Mono<Integer> applyTracedBatchOnce(
            String consumer,
            List<M> messages,
            java.util.function.Function<M, String> id,
            java.util.function.Function<List<M>, Mono<List<Outbox.Traced>>> change) {
        java.util.concurrent.atomic.AtomicBoolean replayed = new java.util.concurrent.atomic.AtomicBoolean();
        Mono<Integer> all = inbox.firstDeliveries(
                        consumer, messages.stream().map(id).toList())
                .flatMap(first -> {
                    java.util.Set<String> fresh = new java.util.HashSet<>(first);
                    List<M> apply = new java.util.ArrayList<>();
                    List<M> again = new java.util.ArrayList<>();
                    for (M m : messages) {
                        // the same message twice in one poll is applied once
                        (fresh.remove(id.apply(m)) ? apply : again).add(m);
                    }
                    Mono<Integer> applied = apply.isEmpty()
                            ? Mono.just(0)
                            : Mono.defer(() -> change.apply(apply))
                                    .flatMap(outbox::insert)
                                    .thenReturn(apply.size());
                    return applied.flatMap(n -> reactor.core.publisher.Flux.fromIterable(again)
                            .concatMap(m -> outbox.replayReply(id.apply(m)))
                            .doOnNext(r -> {
                                if (r) {
                                    replayed.set(true);
                                }
                            })
                            .then(Mono.just(n)));
                });
        return tx.transactional(all).doOnNext(applied -> {
            if (applied > 0 || replayed.get()) {
                relay.wakeUp();
            }
        });
    }

    /** A command whose only outcome is a 5xx reply changed nothing: not remembered, so it can run again. */
    private Mono<Void> forgetIfNothingChanged(String consumer, String messageId, List<OutboxMessage> messages) {
        return OutboxMessage.onlyRetryableFailure(messages) ? inbox.forget(consumer, messageId) : Mono.empty();
    }
}
