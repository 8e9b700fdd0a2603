package dev.paygate.payment.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.Refund;
import dev.paygate.payment.lifecycle.Changes;
import dev.paygate.payment.lifecycle.store.PaymentStore;
import dev.paygate.payment.secupay.RefundLinkStore;
import dev.paygate.payment.secupay.RefundLinkStore.Known;
import dev.paygate.payment.secupay.RefundLinkStore.Link;
import dev.paygate.payment.secupay.SecupayTransactions;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.messaging.DecodedBatch;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * payment-service's view of refunds (docs/architecture.md, "Services and topics": it consumes the refund topic). Each
 * payment's refunds are linked to it, numbered, and kept at their latest status for the secupay views; a refund that
 * succeeds adds its amount to {@code amountRefunded}, a succeeded refund reversed to failed takes it back, and a
 * payment whose amount moved gets one {@code payment.amountUpdated} per poll. When a secupay cancel waits for the
 * refund, its answer is sent as soon as the refund is linked. Deduplicated by event id; a stale refund version changes
 * nothing.
 */
@Component
class RefundEventsListener {

    static final String CONSUMER = "payment-service-refund-events";

    private final InboxProcessor inbox;
    private final PaymentStore payments;
    private final RefundLinkStore linkStore;
    private final Changes changes;
    private final SecupayTransactions secupay;
    private final Clock clock;
    private final PaygateProperties properties;

    public RefundEventsListener(
            InboxProcessor inbox,
            PaymentStore payments,
            RefundLinkStore linkStore,
            Changes changes,
            SecupayTransactions secupay,
            Clock clock,
            PaygateProperties properties) {
        this.inbox = inbox;
        this.payments = payments;
        this.linkStore = linkStore;
        this.changes = changes;
        this.secupay = secupay;
        this.clock = clock;
        this.properties = properties;
    }

    /** A poll's refund events in one transaction, with a statement per table: one commit for the lot. */
    @KafkaListener(
            id = "payment-refund-events",
            topics = Topics.REFUND_EVENTS,
            groupId = CONSUMER,
            batch = "true",
            properties = "max.poll.records=${paygate.kafka.batch-size:100}")
    public void onRefundEvents(List<ConsumerRecord<String, byte[]>> records) {
        DecodedBatch<StateChange> batch = DecodedBatch.decode(records, CloudEventsKafka::fromRecord, "refund event");
        List<StateChange> changes = batch.values().stream()
                .filter(change -> change.type() == EventType.REFUND_UPDATED)
                .toList();
        if (!changes.isEmpty()) {
            inbox.applyBatchOnce(CONSUMER, changes, StateChange::id, this::applyAll)
                    .block(properties.getKafka().getCommandTimeout());
        }
        // the events before it are applied; the error handler passes a bad one and redelivers the rest
        batch.passUndecodable();
    }

    /** A refund event to apply: the refund as it was then, and when. */
    private record Update(Refund refund, Instant time) {}

    /**
     * A poll's fresh refund events, in order, with a statement per table rather than per event: the links known
     * (locked), the payments whose refunded amount moves (locked, in id order), their new amounts, the links, and the
     * answers a secupay cancel waits for. A payment whose amount moves gets one {@code payment.amountUpdated} for the
     * poll, with its amount after all of the poll's refunds, rather than one per refund: a receiver keeps only the
     * latest version anyway, and each one is a record for the dashboards, the dispatcher and refund-service to read.
     */
    private Mono<List<OutboxMessage>> applyAll(List<StateChange> events) {
        List<Update> updates = events.stream()
                .map(e -> new Update(PaygateJson.wire().readValue(e.data(), Refund.class), e.time()))
                .toList();
        Set<String> ids = updates.stream().map(u -> u.refund().id()).collect(Collectors.toCollection(TreeSet::new));
        return linkStore.lockKnown(ids).flatMap(known -> {
            Map<String, Known> now = new HashMap<>(known);
            Map<String, Long> moves = new TreeMap<>();
            Map<String, Link> links = new LinkedHashMap<>();
            for (Update u : updates) {
                Refund refund = u.refund();
                Known before = now.get(refund.id());
                if (before != null && before.version() >= refund.version()) {
                    continue; // stale: a newer version of this refund is linked already
                }
                boolean counted = before != null && before.counted();
                boolean counts = Refund.SUCCEEDED.equals(refund.status());
                if (counted != counts) {
                    moves.merge(refund.paymentId(), counts ? refund.amount() : -refund.amount(), Long::sum);
                }
                now.put(refund.id(), new Known(counts, refund.version()));
                links.remove(refund.id());
                links.put(refund.id(), new Link(refund, counts, u.time()));
            }
            if (links.isEmpty()) {
                return Mono.just(List.<OutboxMessage>of());
            }
            return amountsRefunded(moves)
                    .flatMap(out -> linkStore
                            .link(links.values())
                            .then(answers(links.values()))
                            .map(replies -> {
                                List<OutboxMessage> all = new ArrayList<>(out);
                                all.addAll(replies);
                                return all;
                            }));
        });
    }

    /** The payments' {@code amountRefunded}, moved by what the poll's refunds started or stopped counting. */
    private Mono<List<OutboxMessage>> amountsRefunded(Map<String, Long> moves) {
        moves.values().removeIf(delta -> delta == 0L);
        if (moves.isEmpty()) {
            return Mono.just(List.of());
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return payments.findAllForUpdate(moves.keySet())
                .map(p -> p.refunded(moves.get(p.id()), now))
                .collectList()
                .flatMap(next -> payments.updateRefunded(next)
                        .thenReturn(next.stream()
                                .map(p -> changes.event(p, EventType.PAYMENT_AMOUNT_UPDATED))
                                .toList()));
    }

    /**
     * The answers secupay cancels wait for, each once, in one statement: the original with the refund as its child,
     * then the refund.
     */
    private Mono<List<OutboxMessage>> answers(Collection<Link> links) {
        Map<String, String> paymentOf = new HashMap<>();
        links.forEach(l -> paymentOf.put(l.refund().id(), l.refund().paymentId()));
        return linkStore
                .answered(paymentOf.keySet())
                .concatMap(waiting -> {
                    String paymentId = paymentOf.get(waiting.refundId());
                    return secupay.answer(paymentId, waiting.refundId())
                            .map(answer ->
                                    OutboxMessage.reply(paymentId, CommandReply.ok(waiting.commandId(), answer)));
                })
                .collectList();
    }
}
