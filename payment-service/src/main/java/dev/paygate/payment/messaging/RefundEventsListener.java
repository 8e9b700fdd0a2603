package dev.paygate.payment.messaging;

import dev.paygate.contracts.Topics;
import dev.paygate.contracts.event.CloudEventsKafka;
import dev.paygate.contracts.event.EventType;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.contracts.resource.Refund;
import dev.paygate.payment.payment.Changes;
import dev.paygate.payment.payment.store.PaymentStore;
import dev.paygate.support.config.PaygateProperties;
import dev.paygate.support.outbox.InboxProcessor;
import dev.paygate.support.outbox.OutboxMessage;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Keeps each payment's {@code amountRefunded} (SPEC §6: payment-service consumes the refund topic): a refund that
 * succeeds adds its amount, a succeeded refund reversed to failed takes it back; each change is a
 * {@code payment.amountUpdated}. Deduplicated by event id, and stale refund versions change nothing.
 */
@Component
public class RefundEventsListener {

    static final String CONSUMER = "payment-service-refund-events";

    private final InboxProcessor inbox;
    private final PaymentStore payments;
    private final DatabaseClient db;
    private final Changes changes;
    private final Clock clock;
    private final PaygateProperties properties;

    public RefundEventsListener(InboxProcessor inbox, PaymentStore payments, DatabaseClient db, Changes changes,
                                Clock clock, PaygateProperties properties) {
        this.inbox = inbox;
        this.payments = payments;
        this.db = db;
        this.changes = changes;
        this.clock = clock;
        this.properties = properties;
    }

    @KafkaListener(id = "payment-refund-events", topics = Topics.REFUND_EVENTS, groupId = CONSUMER)
    public void onRefundEvent(ConsumerRecord<String, byte[]> record) {
        StateChange change = CloudEventsKafka.fromRecord(record);
        if (change.type() != EventType.REFUND_UPDATED) {
            return;
        }
        Refund refund = PaygateJson.wire().readValue(change.data(), Refund.class);
        inbox.applyOnce(CONSUMER, change.id(), () -> apply(refund)).block(properties.getKafka().getCommandTimeout());
    }

    private Mono<List<OutboxMessage>> apply(Refund refund) {
        boolean counts = Refund.SUCCEEDED.equals(refund.status());
        return db.sql("SELECT counted, refund_version FROM refund_totals WHERE refund_id = :id FOR UPDATE")
                .bind("id", refund.id())
                .map(row -> new boolean[] {Boolean.TRUE.equals(row.get("counted", Boolean.class)),
                        row.get("refund_version", Long.class) >= refund.version()})
                .one()
                .defaultIfEmpty(new boolean[] {false, false})
                .flatMap(known -> {
                    boolean counted = known[0];
                    boolean stale = known[1];
                    if (stale || counted == counts) {
                        return remember(refund, counted).thenReturn(List.<OutboxMessage>of());
                    }
                    long delta = counts ? refund.amount() : -refund.amount();
                    return payments.findForUpdate(refund.paymentId())
                            .flatMap(p -> {
                                var next = p.refunded(delta, clock.instant().truncatedTo(ChronoUnit.SECONDS));
                                return payments.update(next, p.version())
                                        .then(remember(refund, counts))
                                        .thenReturn(List.of(changes.event(next, EventType.PAYMENT_AMOUNT_UPDATED)));
                            });
                });
    }

    private Mono<Void> remember(Refund refund, boolean counted) {
        return db.sql("""
                        INSERT INTO refund_totals (refund_id, payment_id, amount, counted, refund_version)
                        VALUES (:id, :paymentId, :amount, :counted, :version)
                        ON CONFLICT (refund_id) DO UPDATE SET counted = excluded.counted,
                               refund_version = greatest(refund_totals.refund_version, excluded.refund_version)""")
                .bind("id", refund.id())
                .bind("paymentId", refund.paymentId())
                .bind("amount", refund.amount())
                .bind("counted", counted)
                .bind("version", refund.version())
                .fetch().rowsUpdated().then();
    }
}
