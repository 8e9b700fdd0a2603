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
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import dev.paygate.support.config.UndecodableMessageException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * payment-service's view of refunds (SPEC §6: it consumes the refund topic). Each payment's refunds are linked to
 * it, numbered, and kept at their latest status for the secupay views; a refund that succeeds adds its amount to
 * {@code amountRefunded}, a succeeded refund reversed to failed takes it back, each such change a
 * {@code payment.amountUpdated}. When a secupay cancel waits for the refund, its answer is sent as soon as the
 * refund is linked. Deduplicated by event id; a stale refund version changes nothing.
 */
@Component
public class RefundEventsListener {

    static final String CONSUMER = "payment-service-refund-events";

    private record Known(boolean counted, long version) {
    }

    private final InboxProcessor inbox;
    private final PaymentStore payments;
    private final DatabaseClient db;
    private final Changes changes;
    private final SecupayTransactions secupay;
    private final Clock clock;
    private final PaygateProperties properties;

    public RefundEventsListener(InboxProcessor inbox, PaymentStore payments, DatabaseClient db, Changes changes,
                                SecupayTransactions secupay, Clock clock, PaygateProperties properties) {
        this.inbox = inbox;
        this.payments = payments;
        this.db = db;
        this.changes = changes;
        this.secupay = secupay;
        this.clock = clock;
        this.properties = properties;
    }

    /** A poll's refund events in one transaction, in order: one commit for the lot. */
    @KafkaListener(id = "payment-refund-events", topics = Topics.REFUND_EVENTS, groupId = CONSUMER, batch = "true",
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
            inbox.applyAllOnce(CONSUMER, changes, StateChange::id,
                            change -> apply(PaygateJson.wire().readValue(change.data(), Refund.class), change.time()))
                    .block(properties.getKafka().getCommandTimeout());
        }
        if (undecodable >= 0) {
            // the events before it are applied; the error handler passes this one and redelivers the rest
            throw new BatchListenerFailedException("undecodable refund event", new UndecodableMessageException(
                    "refund event at offset " + records.get(undecodable).offset(), why), undecodable);
        }
    }

    private Mono<List<OutboxMessage>> apply(Refund refund, Instant time) {
        boolean counts = Refund.SUCCEEDED.equals(refund.status());
        return db.sql("SELECT counted, refund_version FROM refunds WHERE refund_id = :id FOR UPDATE")
                .bind("id", refund.id())
                .map(row -> new Known(Boolean.TRUE.equals(row.get("counted", Boolean.class)),
                        row.get("refund_version", Long.class)))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(known -> {
                    if (known.isPresent() && known.get().version() >= refund.version()) {
                        return Mono.just(List.<OutboxMessage>of());
                    }
                    boolean counted = known.map(Known::counted).orElse(false);
                    return amountRefunded(refund, counted, counts)
                            .flatMap(events -> link(refund, counts, time)
                                    .then(answer(refund))
                                    .map(reply -> {
                                        List<OutboxMessage> out = new ArrayList<>(events);
                                        out.add(reply);
                                        return out;
                                    })
                                    .defaultIfEmpty(events));
                });
    }

    /** The payment's {@code amountRefunded}, moved when the refund starts or stops counting. */
    private Mono<List<OutboxMessage>> amountRefunded(Refund refund, boolean counted, boolean counts) {
        if (counted == counts) {
            return Mono.just(List.of());
        }
        long delta = counts ? refund.amount() : -refund.amount();
        return payments.findForUpdate(refund.paymentId())
                .flatMap(p -> {
                    var next = p.refunded(delta, clock.instant().truncatedTo(ChronoUnit.SECONDS));
                    return payments.update(next, p.version())
                            .thenReturn(List.of(changes.event(next, EventType.PAYMENT_AMOUNT_UPDATED)));
                });
    }

    /**
     * Links the refund to its payment at its latest status. A new link takes the ids a secupay cancel reserved for
     * it, or new ones (a refund made through {@code /api2/refunds}).
     */
    private Mono<Void> link(Refund refund, boolean counted, Instant time) {
        return db.sql("""
                        INSERT INTO refunds (refund_id, payment_id, amount, counted, refund_version, transaction_id, trans_id,
                                             currency, status, description, created_at, updated_at, completed_at)
                        SELECT :id, :paymentId, :amount, :counted, :version,
                               coalesce(tc.refund_transaction_id, :newTransactionId),
                               coalesce(tc.refund_trans_id, nextval('trans_ids')),
                               :currency, :status, :description, :created, :time, :completedAt
                        FROM (SELECT 1) AS one LEFT JOIN transaction_cancels tc ON tc.refund_id = :id
                        ON CONFLICT (refund_id) DO UPDATE SET counted = excluded.counted,
                               refund_version = excluded.refund_version, status = excluded.status,
                               description = excluded.description, updated_at = excluded.updated_at,
                               completed_at = CASE WHEN excluded.status = 'succeeded'
                                                   THEN coalesce(refunds.completed_at, excluded.completed_at) END""")
                .bind("id", refund.id())
                .bind("paymentId", refund.paymentId())
                .bind("amount", refund.amount())
                .bind("counted", counted)
                .bind("version", refund.version())
                .bind("newTransactionId", Ids.transactionId())
                .bind("currency", refund.currency())
                .bind("status", refund.status())
                .bind("description", Parameter.fromOrEmpty(refund.description(), String.class))
                .bind("created", refund.created().atOffset(ZoneOffset.UTC))
                .bind("time", time.atOffset(ZoneOffset.UTC))
                .bind("completedAt", counted ? Parameter.from(time.atOffset(ZoneOffset.UTC))
                        : Parameter.empty(java.time.OffsetDateTime.class))
                .fetch().rowsUpdated().then();
    }

    /** The answer a secupay cancel waits for, once: the original with this refund as its child, then the refund. */
    private Mono<OutboxMessage> answer(Refund refund) {
        return db.sql("""
                        UPDATE transaction_cancels SET answered_at = now()
                        WHERE refund_id = :id AND answered_at IS NULL
                        RETURNING command_id""")
                .bind("id", refund.id())
                .map(row -> row.get("command_id", String.class))
                .one()
                .flatMap(commandId -> secupay.answer(refund.paymentId(), refund.id())
                        .map(answer -> OutboxMessage.reply(refund.paymentId(), CommandReply.ok(commandId, answer))));
    }
}
