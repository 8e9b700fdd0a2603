package dev.paygate.payment.secupay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.resource.Payment;
import dev.paygate.contracts.resource.Refund;
import dev.paygate.payment.secupay.SecupayView.PaymentRow;
import dev.paygate.payment.secupay.SecupayView.RefundRow;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * The three answers the secupay API's examples show (docs/secupay.md), value for value, from rows like the ones
 * payment-service keeps.
 */
class SecupayViewTest {

    static final SecupayView VIEW = new SecupayView(ZoneId.of("Europe/Berlin"));
    static final Instant CREATED = Instant.parse("2022-04-07T15:38:50Z");
    static final Instant UPDATED = Instant.parse("2022-04-07T15:41:02Z");
    static final String DESCRIPTION = "Bestellung am 07.04.2022 via secupay bei Secupay Test-Shop (264748)";

    static PaymentRow payment(String status, long amount, long received, long canceled) {
        return new PaymentRow(
                "PCI_6B9CTH3V7FC6Y9HSVA24YG5400XANZ",
                48006155,
                amount,
                received,
                canceled,
                "EUR",
                status,
                false,
                DESCRIPTION,
                CREATED,
                UPDATED,
                Payment.SUCCEEDED.equals(status) ? UPDATED : null);
    }

    @Test
    void fullCancellationIsVoidWithTheAmountThatWasAuthorized() {
        ObjectNode t = VIEW.payment(payment(Payment.CANCELED, 5985, 0, 0), List.of());

        assertThat(t.propertyNames())
                .containsExactly(
                        "object",
                        "id",
                        "trans_id",
                        "related_transactions",
                        "amount",
                        "currency",
                        "created",
                        "completion_date",
                        "updated",
                        "description",
                        "description_raw",
                        "status",
                        "status_text",
                        "details");
        assertThat(t.get("object").asString()).isEqualTo("payment.transactions");
        assertThat(t.get("related_transactions").isEmpty()).isTrue();
        assertThat(t.get("amount").asLong()).isEqualTo(5985);
        assertThat(t.get("currency").asString()).isEqualTo("EUR");
        assertThat(t.get("created").asString()).isEqualTo("2022-04-07T17:38:50+02:00");
        assertThat(t.get("completion_date").isNull()).isTrue();
        assertThat(t.get("updated").asString()).isEqualTo("2022-04-07T17:41:02+02:00");
        assertThat(t.get("description").asString()).isEqualTo(DESCRIPTION);
        assertThat(t.get("description_raw").asString()).isEqualTo(DESCRIPTION);
        assertThat(t.get("status").asInt()).isEqualTo(10);
        assertThat(t.get("status_text").asString()).isEqualTo("Storniert");
        ObjectNode d = (ObjectNode) t.get("details");
        assertThat(d.get("cleared").asString()).isEqualTo("open");
        assertThat(d.get("status").asInt()).isEqualTo(10);
        assertThat(d.get("status_text").asString()).isEqualTo("Storniert");
        assertThat(d.get("status_simple").asInt()).isEqualTo(5);
        assertThat(d.get("status_simple_text").asString()).isEqualTo("void");
        assertThat(d.get("amount").asLong()).isEqualTo(5985);
    }

    @Test
    void partialCancellationShowsTheLoweredAuthorizationStillAuthorizedAndPending() {
        ObjectNode t = VIEW.payment(payment(Payment.REQUIRES_CAPTURE, 4985, 0, 995), List.of());

        assertThat(t.get("amount").asLong()).isEqualTo(3990);
        assertThat(t.get("status").asInt()).isEqualTo(9);
        assertThat(t.get("details").get("amount").asLong()).isEqualTo(3990);
        assertThat(t.get("details").get("status_simple").asInt()).isEqualTo(10);
        assertThat(t.get("details").get("status_simple_text").asString()).isEqualTo("pending");
    }

    @Test
    void partialRefundLinksParentAndChildBothWays() {
        PaymentRow original = new PaymentRow(
                "PCI_GUZH7U8WH00WHRS0JT4EPG5400XANY",
                48006155,
                5985,
                5985,
                0,
                "EUR",
                Payment.SUCCEEDED,
                false,
                null,
                CREATED,
                UPDATED,
                UPDATED);
        String description = "TA-Code 48006155 (07.04.22)|Refund TA-Code 48006156 Teilerstattung|One piece less";
        RefundRow refund = new RefundRow(
                "PCI_J7GVETFVRCMZU3WD975ZGV5400XANM",
                48006156,
                1995,
                "EUR",
                Refund.PENDING,
                description,
                UPDATED,
                UPDATED,
                null);

        var answer = VIEW.answer(VIEW.payment(original, List.of(refund)), VIEW.refund(refund, original));

        assertThat(answer.size()).isEqualTo(2);
        var o = answer.get(0);
        assertThat(o.get("id").asString()).isEqualTo("PCI_GUZH7U8WH00WHRS0JT4EPG5400XANY");
        assertThat(o.get("amount").asLong()).isEqualTo(5985);
        assertThat(o.get("status").asInt()).isEqualTo(6);
        assertThat(o.get("status_text").asString()).isEqualTo("abgeschlossen");
        assertThat(o.get("details").get("status_simple").asInt()).isEqualTo(1);
        assertThat(o.get("details").get("status_simple_text").asString()).isEqualTo("accepted");
        assertThat(o.get("completion_date").asString()).isEqualTo("2022-04-07T17:41:02+02:00");
        var child = o.get("related_transactions").get(0);
        assertThat(child.propertyNames())
                .containsExactly("object", "id", "hierarchy", "ref_type_id", "ref_type_raw", "trans_id");
        assertThat(child.get("object").asString()).isEqualTo("payment.transactions");
        assertThat(child.get("id").asString()).isEqualTo("PCI_J7GVETFVRCMZU3WD975ZGV5400XANM");
        assertThat(child.get("hierarchy").asString()).isEqualTo("child");
        assertThat(child.get("ref_type_id").asInt()).isEqualTo(19);
        assertThat(child.get("ref_type_raw").asString()).isEqualTo("Gutschrift / Refund");
        assertThat(child.get("trans_id").asLong()).isEqualTo(48006156);

        var r = answer.get(1);
        assertThat(r.get("id").asString()).isEqualTo("PCI_J7GVETFVRCMZU3WD975ZGV5400XANM");
        var parent = r.get("related_transactions").get(0);
        assertThat(parent.get("hierarchy").asString()).isEqualTo("parent");
        assertThat(parent.get("id").asString()).isEqualTo("PCI_GUZH7U8WH00WHRS0JT4EPG5400XANY");
        assertThat(parent.get("ref_type_id").asInt()).isEqualTo(19);
        assertThat(parent.get("trans_id").asLong()).isEqualTo(48006155);
        assertThat(r.get("product_id").asInt()).isEqualTo(479);
        assertThat(r.get("product").asString()).isEqualTo("Erstattung");
        assertThat(r.get("product_raw").asString()).isEqualTo("Erstattung");
        assertThat(r.get("amount").asLong()).isEqualTo(-1995);
        assertThat(r.get("description").asString()).isEqualTo(description);
        assertThat(r.get("description_raw").asString()).isEqualTo(description);
        assertThat(r.get("status").asInt()).isEqualTo(118);
        assertThat(r.get("status_text").asString()).isEqualTo("auf Genehmigung wartend");
        assertThat(r.get("details").get("status_simple").asInt()).isEqualTo(10);
        assertThat(r.get("details").get("status_simple_text").asString()).isEqualTo("pending");
        assertThat(r.get("details").get("amount").asLong()).isEqualTo(-1995);
        assertThat(r.get("details").get("description").asString()).isEqualTo(description);
    }

    /** The table in docs/secupay.md, row by row: a change to either must change the other. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "payment, requiresPaymentMethod, false, 1, Anfrage, 10, pending",
        "payment, requiresConfirmation, false, 1, Anfrage, 10, pending",
        "payment, requiresPaymentMethod, true, 2, abgelehnt, 2, denied",
        "payment, requiresAction, false, 3, Authentifizierung ausstehend, 10, pending",
        "payment, processing, false, 4, in Bearbeitung, 10, pending",
        "payment, requiresCapture, false, 9, autorisiert, 10, pending",
        "payment, succeeded, false, 6, abgeschlossen, 1, accepted",
        "payment, canceled, false, 10, Storniert, 5, void",
        "refund, pending, false, 118, auf Genehmigung wartend, 10, pending",
        "refund, succeeded, false, 6, abgeschlossen, 1, accepted",
        "refund, failed, false, 119, Erstattung fehlgeschlagen, 2, denied"
    })
    void statusTable(
            String kind, String status, boolean declined, int code, String text, int simple, String simpleText) {
        SecupayStatus s =
                "payment".equals(kind) ? SecupayStatus.ofPayment(status, declined) : SecupayStatus.ofRefund(status);

        assertThat(s.code()).isEqualTo(code);
        assertThat(s.text()).isEqualTo(text);
        assertThat(s.simple()).isEqualTo(simple);
        assertThat(s.simpleText()).isEqualTo(simpleText);
    }

    @Test
    void timesFollowTheConfiguredZoneWithAnExplicitOffset() {
        ObjectNode t = new SecupayView(ZoneId.of("UTC")).payment(payment(Payment.CANCELED, 5985, 0, 0), List.of());

        assertThat(t.get("created").asString()).isEqualTo("2022-04-07T15:38:50+00:00");
        assertThat(VIEW.day(Instant.parse("2022-04-06T23:30:00Z"))).isEqualTo("07.04.22");
    }
}
