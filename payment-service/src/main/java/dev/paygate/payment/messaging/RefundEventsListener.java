package dev.paygate.payment.messaging;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.Topics;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.Refund;
import dev.paygate.payment.payment.Changes;
import dev.paygate.payment.payment.store.PaymentStore;
import dev.paygate.payment.secupay.SecupayTransactions;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.config.UndecodableMessageException;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.r2dbc.core.DatabaseClient;
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
public class RefundEventsListener {

    static final String CONSUMER = "payment-service-refund-events";

    private record Known(boolean counted, long version) {}

    private final InboxProcessor inbox;
    private final PaymentStore payments;
    private final DatabaseClient db;
    private final Changes changes;
    private final SecupayTransactions secupay;
    private final Clock clock;
    private final PaygateProperties properties;

    public RefundEventsListener(
            InboxProcessor inbox,
            PaymentStore payments,
            DatabaseClient db,
            Changes changes,
            SecupayTransactions secupay,
            Clock clock,
            PaygateProperties properties) {
        this.inbox = inbox;
        this.payments = payments;
        this.db = db;
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
        List<StateChange> changes = new ArrayList<>(records.size());
        int undecodable = -1;
        RuntimeException why = null;
        for (int i = 0; i < records.size() && undecodable < 0; i++) {
            try {
                StateChange change = CloudEventsKafka.fromRecord(records.get(i));
                if (change.type() == EventType.REFUND_UPDATED) {
                    changes.add(change);
                }
            } catch (RuntimeException e) {
                undecodable = i;
                why = e;
            }
        }
        if (!changes.isEmpty()) {
            inbox.applyBatchOnce(CONSUMER, changes, StateChange::id, this::applyAll)
                    .block(properties.getKafka().getCommandTimeout());
        }
        if (undecodable >= 0) {
            // the events before it are applied; the error handler passes this one and redelivers the rest
            throw new BatchListenerFailedException(
                    "undecodable refund event",
                    new UndecodableMessageException(
                            "refund event at offset " + records.get(undecodable).offset(), why),
                    undecodable);
        }
    }

    /** A refund event to apply: the refund as it was then, and when. */
    private record Update(Refund refund, Instant time) {}

    /** The refund as the link will hold it: its latest status in the poll, and whether its amount counts. */
    private record Link(Refund refund, boolean counted, Instant time) {}

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
        return db.sql("""
                        SELECT refund_id, counted, refund_version FROM refunds WHERE refund_id = ANY(:ids::text[])
                        ORDER BY refund_id FOR UPDATE""")
                .bind("ids", ids.toArray(String[]::new))
                .map(row -> Map.entry(
                        row.get("refund_id", String.class),
                        new Known(
                                Boolean.TRUE.equals(row.get("counted", Boolean.class)),
                                row.get("refund_version", Long.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .flatMap(known -> {
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
                            .flatMap(out -> link(links.values())
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
     * Links the refunds to their payments at their latest status, in one statement. A new link takes the ids a
     * secupay cancel reserved for it, or new ones (a refund made through {@code /api2/refunds}).
     */
    private Mono<Void> link(java.util.Collection<Link> links) {
        int n = links.size();
        String[] ids = new String[n];
        String[] paymentIds = new String[n];
        Long[] amounts = new Long[n];
        Boolean[] counted = new Boolean[n];
        Long[] versions = new Long[n];
        String[] newTransactionIds = new String[n];
        String[] currencies = new String[n];
        String[] statuses = new String[n];
        String[] descriptions = new String[n];
        String[] created = new String[n];
        String[] times = new String[n];
        int i = 0;
        for (Link l : links) {
            Refund r = l.refund();
            ids[i] = r.id();
            paymentIds[i] = r.paymentId();
            amounts[i] = r.amount();
            counted[i] = l.counted();
            versions[i] = r.version();
            newTransactionIds[i] = Ids.transactionId();
            currencies[i] = r.currency();
            statuses[i] = r.status();
            descriptions[i] = r.description();
            created[i] = r.created().toString();
            times[i] = l.time().toString();
            i++;
        }
        return db.sql("""
                        INSERT INTO refunds (refund_id, payment_id, amount, counted, refund_version, transaction_id, trans_id,
                                             currency, status, description, created_at, updated_at, completed_at)
                        SELECT v.id, v.payment_id, v.amount, v.counted, v.version,
                               coalesce(tc.refund_transaction_id, v.new_transaction_id),
                               coalesce(tc.refund_trans_id, nextval('trans_ids')),
                               v.currency, v.status, v.description, v.created::timestamptz, v.time::timestamptz,
                               CASE WHEN v.counted THEN v.time::timestamptz END
                        FROM unnest(:ids::text[], :paymentIds::text[], :amounts::bigint[], :counted::boolean[],
                                    :versions::bigint[], :newTransactionIds::text[], :currencies::text[],
                                    :statuses::text[], :descriptions::text[], :created::text[], :times::text[])
                             WITH ORDINALITY AS v(id, payment_id, amount, counted, version, new_transaction_id, currency,
                                                  status, description, created, time, position)
                             LEFT JOIN transaction_cancels tc ON tc.refund_id = v.id
                        ORDER BY v.position
                        ON CONFLICT (refund_id) DO UPDATE SET counted = excluded.counted,
                               refund_version = excluded.refund_version, status = excluded.status,
                               description = excluded.description, updated_at = excluded.updated_at,
                               completed_at = CASE WHEN excluded.status = 'succeeded'
                                                   THEN coalesce(refunds.completed_at, excluded.completed_at) END""")
                .bind("ids", ids)
                .bind("paymentIds", paymentIds)
                .bind("amounts", amounts)
                .bind("counted", counted)
                .bind("versions", versions)
                .bind("newTransactionIds", newTransactionIds)
                .bind("currencies", currencies)
                .bind("statuses", statuses)
                .bind("descriptions", descriptions)
                .bind("created", created)
                .bind("times", times)
                .fetch()
                .rowsUpdated()
                .then();
    }

    /**
     * The answers secupay cancels wait for, each once, in one statement: the original with the refund as its child,
     * then the refund.
     */
    private Mono<List<OutboxMessage>> answers(java.util.Collection<Link> links) {
        Map<String, String> paymentOf = new HashMap<>();
        links.forEach(l -> paymentOf.put(l.refund().id(), l.refund().paymentId()));
        return db.sql("""
                        UPDATE transaction_cancels SET answered_at = now()
                        WHERE refund_id = ANY(:ids::text[]) AND answered_at IS NULL
                        RETURNING command_id, refund_id""")
                .bind("ids", paymentOf.keySet().toArray(String[]::new))
                .map(row -> Map.entry(row.get("refund_id", String.class), row.get("command_id", String.class)))
                .all()
                .concatMap(waiting -> {
                    String paymentId = paymentOf.get(waiting.getKey());
                    return secupay.answer(paymentId, waiting.getKey())
                            .map(answer -> OutboxMessage.reply(paymentId, CommandReply.ok(waiting.getValue(), answer)));
                })
                .collectList();
    }
}
