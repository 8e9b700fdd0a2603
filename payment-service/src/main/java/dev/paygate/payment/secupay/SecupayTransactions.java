package dev.paygate.payment.secupay;

import dev.paygate.payment.secupay.SecupayView.PaymentRow;
import dev.paygate.payment.secupay.SecupayView.RefundRow;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The secupay transactions of one merchant, read from payment-service's own tables: payments, and the refunds it
 * links to them from the refund topic. Inside a command's transaction these reads see that transaction's writes,
 * so an answer always shows the change it answers.
 */
@Component
@EnableConfigurationProperties(SecupayProperties.class)
public class SecupayTransactions {

    private static final String PAYMENT = """
            SELECT transaction_id, trans_id, amount, amount_received, amount_canceled, currency, status,
                   last_payment_error IS NOT NULL AS declined, description, created_at, updated_at, captured_at, id
            FROM payments""";
    private static final String REFUND = """
            SELECT transaction_id, trans_id, amount, currency, status, description, created_at, updated_at,
                   completed_at, payment_id
            FROM refunds""";

    /** Whose a transaction id is: a payment's, or a refund's of that payment. */
    public record Owner(String paymentId, String kind) {}

    private final DatabaseClient db;
    private final SecupayView view;

    public SecupayTransactions(DatabaseClient db, SecupayProperties properties) {
        this.db = db;
        this.view = new SecupayView(properties.getZone());
    }

    public SecupayView view() {
        return view;
    }

    /** The payment or refund with this {@code PCI_} id, rendered; empty when it isn't this merchant's. */
    public Mono<ObjectNode> find(String transactionId, String merchantId) {
        return db.sql(PAYMENT + " WHERE transaction_id = :tid AND merchant_id = :merchantId")
                .bind("tid", transactionId)
                .bind("merchantId", merchantId)
                .map(row -> row.get("id", String.class))
                .one()
                .flatMap(this::payment)
                .switchIfEmpty(Mono.defer(() -> db.sql(
                                REFUND + " r WHERE transaction_id = :tid AND EXISTS "
                                        + "(SELECT 1 FROM payments p WHERE p.id = r.payment_id AND p.merchant_id = :merchantId)")
                        .bind("tid", transactionId)
                        .bind("merchantId", merchantId)
                        .map(row -> new Object[] {readRefund(row), row.get("payment_id", String.class)})
                        .one()
                        .flatMap(found -> paymentRow((String) found[1])
                                .map(parent -> view.refund((RefundRow) found[0], parent)))));
    }

    /** Which payment a transaction id belongs to, and whether it names the payment or one of its refunds. */
    public Mono<Owner> owner(String transactionId, String merchantId) {
        return db.sql("""
                        SELECT id AS payment_id, 'payment' AS kind FROM payments
                        WHERE transaction_id = :tid AND merchant_id = :merchantId
                        UNION ALL
                        SELECT r.payment_id, 'refund' FROM refunds r JOIN payments p ON p.id = r.payment_id
                        WHERE r.transaction_id = :tid AND p.merchant_id = :merchantId""")
                .bind("tid", transactionId)
                .bind("merchantId", merchantId)
                .map(row -> new Owner(row.get("payment_id", String.class), row.get("kind", String.class)))
                .one();
    }

    /** A payment with its refunds as children. */
    public Mono<ObjectNode> payment(String paymentId) {
        return paymentRow(paymentId).flatMap(p -> refundsOf(paymentId).map(refunds -> view.payment(p, refunds)));
    }

    /** The cancel answer: the payment, then the refund {@code refundId} if given. */
    public Mono<ArrayNode> answer(String paymentId, String refundId) {
        return paymentRow(paymentId)
                .flatMap(p -> refundsOf(paymentId).flatMap(refunds -> {
                    ObjectNode original = view.payment(p, refunds);
                    if (refundId == null) {
                        return Mono.just(view.answer(original, null));
                    }
                    return db.sql(REFUND + " WHERE refund_id = :id")
                            .bind("id", refundId)
                            .map(SecupayTransactions::readRefund)
                            .one()
                            .map(r -> view.answer(original, view.refund(r, p)));
                }));
    }

    /** The payment's numeric id and its date as a refund description shows it. */
    public Mono<PaymentRow> paymentRow(String paymentId) {
        return db.sql(PAYMENT + " WHERE id = :id")
                .bind("id", paymentId)
                .map(SecupayTransactions::readPayment)
                .one();
    }

    private Mono<List<RefundRow>> refundsOf(String paymentId) {
        return db.sql(REFUND + " WHERE payment_id = :id ORDER BY trans_id")
                .bind("id", paymentId)
                .map(SecupayTransactions::readRefund)
                .all()
                .collectList();
    }

    private static PaymentRow readPayment(Readable row) {
        return new PaymentRow(
                row.get("transaction_id", String.class),
                row.get("trans_id", Long.class),
                row.get("amount", Long.class),
                row.get("amount_received", Long.class),
                row.get("amount_canceled", Long.class),
                row.get("currency", String.class),
                row.get("status", String.class),
                Boolean.TRUE.equals(row.get("declined", Boolean.class)),
                row.get("description", String.class),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("updated_at", OffsetDateTime.class)),
                instant(row.get("captured_at", OffsetDateTime.class)));
    }

    private static RefundRow readRefund(Readable row) {
        return new RefundRow(
                row.get("transaction_id", String.class),
                row.get("trans_id", Long.class),
                row.get("amount", Long.class),
                row.get("currency", String.class),
                row.get("status", String.class),
                row.get("description", String.class),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("updated_at", OffsetDateTime.class)),
                instant(row.get("completed_at", OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
