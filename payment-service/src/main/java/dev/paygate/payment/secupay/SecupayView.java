package dev.paygate.payment.secupay;

import dev.paygate.contracts.resource.Payment;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders payments and refunds as secupay {@code payment.transactions} (docs/secupay.md), in the secupay API's field
 * order. Pure: the rows come from {@link SecupayTransactions}.
 */
public final class SecupayView {

    public static final String OBJECT = "payment.transactions";
    public static final int REF_TYPE_REFUND = 19;
    public static final String REF_TYPE_REFUND_RAW = "Gutschrift / Refund";
    public static final int PRODUCT_REFUND = 479;
    public static final String PRODUCT_REFUND_NAME = "Erstattung";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd.MM.yy");

    /** A payment as secupay shows it. */
    public record PaymentRow(
            String transactionId,
            long transId,
            long amount,
            long amountReceived,
            long amountCanceled,
            String currency,
            String status,
            boolean declined,
            String description,
            Instant created,
            Instant updated,
            Instant capturedAt) {

        /**
         * What secupay shows as the amount: what was captured once captured (refunds don't lower it, as the secupay
         * API shows); before that the authorized amount, lowered by a partial cancellation (docs/secupay.md).
         */
        public long secupayAmount() {
            return Payment.SUCCEEDED.equals(status) ? amountReceived : amount - amountCanceled;
        }
    }

    /** A refund as payment-service knows it from the refund topic. */
    public record RefundRow(
            String transactionId,
            long transId,
            long amount,
            String currency,
            String status,
            String description,
            Instant created,
            Instant updated,
            Instant completedAt) {}

    private final ZoneId zone;

    public SecupayView(ZoneId zone) {
        this.zone = zone;
    }

    /** The original payment, its refunds listed as {@code child} transactions. */
    public ObjectNode payment(PaymentRow p, List<RefundRow> refunds) {
        ObjectNode t = head(p.transactionId(), p.transId());
        ArrayNode related = t.putArray("related_transactions");
        refunds.forEach(r -> related.add(link(r.transactionId(), r.transId(), "child")));
        SecupayStatus status = SecupayStatus.ofPayment(p.status(), p.declined());
        Instant completed = Payment.SUCCEEDED.equals(p.status()) ? p.capturedAt() : null;
        return tail(t, p.secupayAmount(), p.currency(), p.created(), completed, p.updated(), p.description(), status);
    }

    /** A refund, negative, with its original as {@code parent}. */
    public ObjectNode refund(RefundRow r, PaymentRow parent) {
        ObjectNode t = head(r.transactionId(), r.transId());
        t.putArray("related_transactions").add(link(parent.transactionId(), parent.transId(), "parent"));
        t.put("product_id", PRODUCT_REFUND);
        t.put("product", PRODUCT_REFUND_NAME);
        t.put("product_raw", PRODUCT_REFUND_NAME);
        return tail(
                t,
                -r.amount(),
                r.currency(),
                r.created(),
                r.completedAt(),
                r.updated(),
                r.description(),
                SecupayStatus.ofRefund(r.status()));
    }

    /** The cancel answer: the original, then the refund the call made, if it made one. */
    public ArrayNode answer(ObjectNode original, ObjectNode refund) {
        ArrayNode answer = NODES.arrayNode();
        answer.add(original);
        if (refund != null) {
            answer.add(refund);
        }
        return answer;
    }

    /** A payment's date as refund descriptions show it ({@code 07.04.22}). */
    public String day(Instant created) {
        return DAY.format(created.atZone(zone));
    }

    private static ObjectNode head(String id, long transId) {
        ObjectNode t = NODES.objectNode();
        t.put("object", OBJECT);
        t.put("id", id);
        t.put("trans_id", transId);
        return t;
    }

    private static ObjectNode link(String id, long transId, String hierarchy) {
        ObjectNode link = NODES.objectNode();
        link.put("object", OBJECT);
        link.put("id", id);
        link.put("hierarchy", hierarchy);
        link.put("ref_type_id", REF_TYPE_REFUND);
        link.put("ref_type_raw", REF_TYPE_REFUND_RAW);
        link.put("trans_id", transId);
        return link;
    }

    private ObjectNode tail(
            ObjectNode t,
            long amount,
            String currency,
            Instant created,
            Instant completed,
            Instant updated,
            String description,
            SecupayStatus status) {
        t.put("amount", amount);
        t.put("currency", currency);
        t.put("created", time(created));
        t.put("completion_date", time(completed));
        t.put("updated", time(updated));
        t.put("description", description);
        t.put("description_raw", description);
        t.put("status", status.code());
        t.put("status_text", status.text());
        ObjectNode details = t.putObject("details");
        details.put("cleared", "open");
        details.put("status", status.code());
        details.put("status_text", status.text());
        details.put("status_simple", status.simple());
        details.put("status_simple_text", status.simpleText());
        details.put("amount", amount);
        if (description != null) {
            details.put("description", description);
            details.put("description_raw", description);
        }
        return t;
    }

    private String time(Instant instant) {
        return instant == null ? null : TIME.format(instant.atZone(zone));
    }
}
