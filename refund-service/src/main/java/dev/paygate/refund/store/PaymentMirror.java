package dev.paygate.refund.store;

import dev.paygate.refund.domain.RefundablePayment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The payments refund-service may refund and their refundable balance. The balance changes only through
 * {@link #reserveAll}, {@link #release} and {@link #releaseAll}: one conditional statement each, and a CHECK constraint besides, so
 * no interleaving of requests, instances or redeliveries can refund more than was received.
 */
@Repository
public class PaymentMirror {

    private final DatabaseClient db;

    public PaymentMirror(DatabaseClient db) {
        this.db = db;
    }

    public Mono<RefundablePayment> find(String paymentId, String merchantId) {
        return db.sql("""
                        SELECT payment_id, merchant_id, currency, status, amount_received, refund_reserved, masked_number,
                               payment_version FROM payments WHERE payment_id = :id AND merchant_id = :merchantId""")
                .bind("id", paymentId)
                .bind("merchantId", merchantId)
                .map(row -> new RefundablePayment(
                        row.get("payment_id", String.class),
                        row.get("merchant_id", String.class),
                        row.get("currency", String.class),
                        row.get("status", String.class),
                        row.get("amount_received", Long.class),
                        row.get("refund_reserved", Long.class),
                        row.get("masked_number", String.class),
                        row.get("payment_version", Long.class)))
                .one();
    }

    private static final String SELECT = """
            SELECT payment_id, merchant_id, currency, status, amount_received, refund_reserved, masked_number,
                   payment_version FROM payments WHERE payment_id = ANY(:ids::text[])""";

    /** These payments as known now, in one statement (no lock). */
    public Flux<RefundablePayment> findAll(java.util.Collection<String> paymentIds) {
        return db.sql(SELECT)
                .bind("ids", paymentIds.toArray(String[]::new))
                .map(PaymentMirror::read)
                .all();
    }

    /**
     * These payments, locked until the transaction ends, in one statement and in id order (two such readers never
     * deadlock): their balances can't move under a decision made on them.
     */
    public Flux<RefundablePayment> lockAll(java.util.Collection<String> paymentIds) {
        return db.sql(SELECT + " ORDER BY payment_id FOR UPDATE")
                .bind("ids", paymentIds.toArray(String[]::new))
                .map(PaymentMirror::read)
                .all();
    }

    /**
     * Reserves these amounts (by payment id), in one statement, each only if that much is still refundable (and
     * the payment succeeded); fails unless every one is reserved (the caller decided them on the rows it locked).
     */
    public Mono<Void> reserveAll(java.util.Map<String, Long> amounts) {
        if (amounts.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("""
                        UPDATE payments p SET refund_reserved = p.refund_reserved + v.amount
                        FROM unnest(:ids::text[], :amounts::bigint[]) AS v(id, amount)
                        WHERE p.payment_id = v.id AND p.status = 'succeeded'
                          AND p.refund_reserved + v.amount <= p.amount_received""")
                .bind("ids", amounts.keySet().toArray(String[]::new))
                .bind("amounts", amounts.values().toArray(Long[]::new))
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == amounts.size()
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException(
                                "reserved " + rows + " of " + amounts.size() + " balances decided on locked rows")));
    }

    /** Gives failed refunds' amounts (summed by payment id) back to the balances, in one statement. */
    public Mono<Void> releaseAll(java.util.Map<String, Long> amounts) {
        if (amounts.isEmpty()) {
            return Mono.empty();
        }
        java.util.Map<String, Long> sorted = new java.util.TreeMap<>(amounts);
        return db.sql("""
                        UPDATE payments p SET refund_reserved = p.refund_reserved - v.amount
                        FROM unnest(:ids::text[], :amounts::bigint[]) AS v(id, amount)
                        WHERE p.payment_id = v.id""")
                .bind("ids", sorted.keySet().toArray(String[]::new))
                .bind("amounts", sorted.values().toArray(Long[]::new))
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == sorted.size()
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("no balance for some of payments " + sorted.keySet())));
    }

    private static RefundablePayment read(io.r2dbc.spi.Readable row) {
        return new RefundablePayment(
                row.get("payment_id", String.class),
                row.get("merchant_id", String.class),
                row.get("currency", String.class),
                row.get("status", String.class),
                row.get("amount_received", Long.class),
                row.get("refund_reserved", Long.class),
                row.get("masked_number", String.class),
                row.get("payment_version", Long.class));
    }

    /** Records a payment snapshot; an older version than the one known changes nothing. */
    public Mono<Void> upsert(
            String paymentId,
            String merchantId,
            String currency,
            String status,
            long amountReceived,
            String maskedNumber,
            long version) {
        return db.sql("""
                        INSERT INTO payments (payment_id, merchant_id, currency, status, amount_received, masked_number,
                                              payment_version)
                        VALUES (:id, :merchantId, :currency, :status, :received, :masked, :version)
                        ON CONFLICT (payment_id) DO UPDATE SET status = excluded.status,
                               amount_received = excluded.amount_received, masked_number = excluded.masked_number,
                               payment_version = excluded.payment_version
                        WHERE payments.payment_version < excluded.payment_version""")
                .bind("id", paymentId)
                .bind("merchantId", merchantId)
                .bind("currency", currency)
                .bind("status", status)
                .bind("received", amountReceived)
                .bind("masked", Parameter.fromOrEmpty(maskedNumber, String.class))
                .bind("version", version)
                .fetch()
                .rowsUpdated()
                .then();
    }

    /** Gives a failed refund's amount back to the balance. */
    public Mono<Void> release(String paymentId, long amount) {
        return db.sql("UPDATE payments SET refund_reserved = refund_reserved - :amount WHERE payment_id = :id")
                .bind("amount", amount)
                .bind("id", paymentId)
                .fetch()
                .rowsUpdated()
                .flatMap(rows -> rows == 1L
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("no balance for payment " + paymentId)));
    }
}
