package dev.paygate.payment.secupay;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.resource.Refund;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The store of payment-service's {@code refunds} (each refund linked to its payment, at its latest status, with the
 * secupay ids it is shown under) and {@code transaction_cancels} (a secupay cancel waiting for its refund): every
 * statement that writes them is here. {@link SecupayTransactions} reads them for the secupay views.
 */
@Component
public class RefundLinkStore {

    /** What the link of a refund holds now: whether its amount counts as refunded, and its version. */
    public record Known(boolean counted, long version) {}

    /** The refund as the link will hold it: its latest status, whether its amount counts, and since when. */
    public record Link(Refund refund, boolean counted, Instant time) {}

    /** A secupay cancel that waited for its refund and is answered now. */
    public record Waiting(String refundId, String commandId) {}

    private final DatabaseClient db;

    public RefundLinkStore(DatabaseClient db) {
        this.db = db;
    }

    /** The links of these refunds that exist, locked (in id order) for the rest of the transaction. */
    public Mono<Map<String, Known>> lockKnown(Set<String> refundIds) {
        return db.sql("""
                        SELECT refund_id, counted, refund_version FROM refunds WHERE refund_id = ANY(:ids::text[])
                        ORDER BY refund_id FOR UPDATE""")
                .bind("ids", refundIds.stream().sorted().toArray(String[]::new))
                .map(row -> Map.entry(
                        row.get("refund_id", String.class),
                        new Known(
                                Boolean.TRUE.equals(row.get("counted", Boolean.class)),
                                row.get("refund_version", Long.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /**
     * Links the refunds to their payments at their latest status, in one statement. A new link takes the ids a
     * secupay cancel reserved for it, or new ones (a refund made through {@code /api2/refunds}).
     */
    public Mono<Void> link(Collection<Link> links) {
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

    /** The secupay cancels waiting for these refunds, each marked answered once (one statement). */
    public Flux<Waiting> answered(Set<String> refundIds) {
        return db.sql("""
                        UPDATE transaction_cancels SET answered_at = now()
                        WHERE refund_id = ANY(:ids::text[]) AND answered_at IS NULL
                        RETURNING command_id, refund_id""")
                .bind("ids", refundIds.toArray(String[]::new))
                .map(row -> new Waiting(row.get("refund_id", String.class), row.get("command_id", String.class)))
                .all();
    }

    /**
     * Remembers that secupay cancel {@code commandId} waits for refund {@code refundId} of {@code paymentId}, and
     * reserves the refund's secupay ids (its {@code PCI_} id and its numeric id); emits the numeric id.
     */
    public Mono<Long> waitFor(String commandId, String paymentId, String refundId, Instant now) {
        return db.sql("""
                        INSERT INTO transaction_cancels (command_id, payment_id, refund_id, refund_transaction_id,
                                                         refund_trans_id, created_at)
                        VALUES (:commandId, :paymentId, :refundId, :transactionId, nextval('trans_ids'), :now)
                        RETURNING refund_trans_id""")
                .bind("commandId", commandId)
                .bind("paymentId", paymentId)
                .bind("refundId", refundId)
                .bind("transactionId", Ids.transactionId())
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .map(row -> row.get("refund_trans_id", Long.class))
                .one();
    }
}
