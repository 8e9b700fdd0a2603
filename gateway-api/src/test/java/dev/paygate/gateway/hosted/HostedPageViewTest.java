package dev.paygate.gateway.hosted;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Session;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostedPageViewTest {

    static Session session(long amount, String currency, String locale, String reference, String successUrl) {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        return new Session(
                "ps_" + "1".repeat(54),
                amount,
                now,
                currency,
                CustomerDetails.EMPTY,
                now.plusSeconds(1200),
                "https://shop.example/failure",
                locale,
                reference,
                Map.of(),
                new Session.PaymentData("automatic"),
                Session.PAYMENT_UNPAID,
                Session.STATUS_OPEN,
                successUrl,
                null,
                1);
    }

    @Test
    void amountsAreFormattedFromMinorUnitsWithTheCurrencysOwnDecimals() {
        assertThat(HostedPageView.amount(session(4250, "EUR", "EN", null, null)))
                .isEqualTo("€42.50");
        assertThat(HostedPageView.amount(session(500, "JPY", "en-US", null, null)))
                .isEqualTo("¥500");
        assertThat(HostedPageView.amount(session(1234, "KWD", "EN", null, null)))
                .isEqualTo("KWD1.234");
        assertThat(HostedPageView.amount(session(123456, "EUR", "de-DE", null, null)))
                .isEqualTo("1.234,56\u00a0€"); // a no-break space, as CLDR has it
    }

    @Test
    void everyMerchantSuppliedValueIsEscaped() {
        Session s = session(100, "EUR", "EN", "<script>alert(\"x\")</script>'", "https://shop.example/ok?a=1&b=\"2\"");
        String form = HostedPageView.form(s, CardForm.EMPTY, Map.of(), "<b>notice</b>");
        assertThat(form)
                .doesNotContain("<script>", "<b>notice")
                .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;", "&lt;b&gt;notice&lt;/b&gt;");
        String paid = HostedPageView.paid(s);
        assertThat(paid).contains("href=\"https://shop.example/ok?a=1&amp;b=&quot;2&quot;\"");
    }

    @Test
    void theFormShowsWhatThePayerTypedExceptTheCardNumberAndCvc() {
        CardForm typed = CardForm.parse("cardNumber=4111+1111+1111+1111&expiryMonth=13&expiryYear=2030&cvc=987"
                + "&holderName=%3Cimg+src%3Dx%3E");
        assertThat(typed.errors()).containsOnlyKeys(CardForm.EXPIRY_MONTH);
        String page = HostedPageView.form(
                session(100, "EUR", "EN", null, null), typed.withoutSecrets(), typed.errors(), null);
        assertThat(page)
                .doesNotContain("4111", "987", "<img")
                .contains(
                        "value=\"13\"",
                        "value=\"2030\"",
                        "value=\"&lt;img src=x&gt;\"",
                        "role=\"alert\"",
                        "href=\"#expiryMonth\"",
                        "aria-invalid=\"true\"",
                        "aria-describedby=\"expiryMonth-error\"");
        assertThat(typed.toString()).doesNotContain("4111", "987");
    }

    @Test
    void theFormIsCheckedFieldByField() {
        assertThat(CardForm.parse("").errors())
                .containsOnlyKeys(CardForm.CARD_NUMBER, CardForm.EXPIRY_MONTH, CardForm.EXPIRY_YEAR, CardForm.CVC);
        assertThat(CardForm.parse("cardNumber=4111-1111-1111-1111&expiryMonth=1&expiryYear=30&cvc=1234")
                        .errors())
                .isEmpty();
        var card = CardForm.parse("cardNumber=4111-1111-1111-1111&expiryMonth=1&expiryYear=30&cvc=1234")
                .toPaymentMethod()
                .card();
        assertThat(card.number()).isEqualTo("4111111111111111");
        assertThat(card.expiryYear()).isEqualTo(2030);
        assertThat(card.holderName()).isNull();
        assertThat(CardForm.parse("cardNumber=41x1&expiryMonth=0&expiryYear=203&cvc=12")
                        .errors())
                .containsOnlyKeys(CardForm.CARD_NUMBER, CardForm.EXPIRY_MONTH, CardForm.EXPIRY_YEAR, CardForm.CVC);
    }

    @Test
    void theFormMayOnlyGoToTheGatewayAndOnToTheSessionsOwnOrigins() {
        String csp = HostedPageController.securityHeaders(
                        session(100, "EUR", "EN", null, "https://shop.example:8443/ok?x=1"))
                .getFirst("Content-Security-Policy");
        assertThat(csp).contains("form-action 'self' https://shop.example:8443 https://shop.example;");
        assertThat(HostedPageController.securityHeaders(null).getFirst("Content-Security-Policy"))
                .contains("form-action 'self';");
    }

    @Test
    void aGermanSessionGetsGermanTextDatesAndLangAndAnyOtherLocaleEnglish() {
        Session de = session(123456, "EUR", "DE", "B-1", "https://shop.example/ok");
        String form = HostedPageView.form(de, CardForm.EMPTY, Map.of(), null);
        assertThat(form)
                .contains(
                        "<html lang=\"de\">",
                        "<title>1.234,56\u00a0€ bezahlen – Paygate</title>",
                        "<dt>Betrag</dt>",
                        "<dt>Referenz</dt>",
                        ">Kartennummer</label>",
                        ">Ablaufdatum</legend>",
                        "Diese Zahlungsseite läuft am <time datetime=\"2026-12-01T12:20:00Z\">01.12.2026, 12:20 Uhr UTC</time> ab.")
                .doesNotContain("Card number", "Pay ");
        assertThat(HostedPageView.paid(de)).contains("Diese Zahlung ist abgeschlossen", "Zurück zum Shop");
        assertThat(HostedPageView.expired(de)).contains("Diese Zahlungsseite ist abgelaufen");
        assertThat(HostedPageView.processing(de)).contains("Ihre Zahlung wird bearbeitet");
        assertThat(HostedTexts.of("de-AT")).isSameAs(HostedTexts.GERMAN);
        assertThat(HostedTexts.of("de_CH")).isSameAs(HostedTexts.GERMAN);

        // French: no translation, so English text; the amount still as French writes it
        String fr = HostedPageView.form(session(123456, "EUR", "fr-FR", null, null), CardForm.EMPTY, Map.of(), null);
        assertThat(fr)
                .contains("<html lang=\"en\">", ">Card number</label>", "2026-12-01 12:20 UTC")
                .contains("1\u202f234,56\u00a0€");
        assertThat(HostedTexts.of(null)).isSameAs(HostedTexts.ENGLISH);
    }

    @Test
    void theCardFormsMistakesAreSaidInTheSessionsLanguage() {
        assertThat(CardForm.parse("cvc=1").errors(HostedTexts.GERMAN))
                .containsEntry(CardForm.CARD_NUMBER, "Geben Sie die Kartennummer ein.")
                .containsEntry(CardForm.CVC, "Geben Sie den Sicherheitscode ein: die 3 oder 4 Ziffern auf der Karte.");
        assertThat(CardForm.parse("cvc=1").errors()).containsEntry(CardForm.CARD_NUMBER, "Enter the card number.");
    }

    @Test
    void everyEnglishTextHasAGermanTranslation() throws Exception {
        java.util.Properties en = new java.util.Properties();
        java.util.Properties de = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/hosted/messages.properties");
                var inDe = getClass().getResourceAsStream("/hosted/messages_de.properties")) {
            en.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
            de.load(new java.io.InputStreamReader(inDe, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(de.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(en.stringPropertyNames());
        for (String key : en.stringPropertyNames()) {
            // a text with a value to fill in keeps it in German too
            for (String slot : java.util.List.of("{0}", "{1}")) {
                assertThat(de.getProperty(key).contains(slot))
                        .as(key + " " + slot)
                        .isEqualTo(en.getProperty(key).contains(slot));
            }
        }
    }

    @Test
    void theChallengeIsAScriptFreeFormWithTwoAnswersAndEscapesItsValues() {
        Session s = session(3300, "EUR", "EN", null, "https://shop.example/ok");
        String page = HostedPageView.challenge(s, "p_<x>", "400000**3220", "<b>bank down</b>");
        assertThat(page)
                .contains(
                        "<h1>Confirm it is you</h1>",
                        "confirm this payment of €33.00 with 3-D Secure",
                        "<form method=\"post\" action=\"/pay/" + s.id() + "/authenticate\">",
                        "<input type=\"hidden\" name=\"payment\" value=\"p_&lt;x&gt;\">",
                        "<button type=\"submit\" name=\"result\" value=\"complete\">Complete authentication</button>",
                        "name=\"result\" value=\"fail\" class=\"secondary\">Fail authentication</button>",
                        "400000**3220",
                        "&lt;b&gt;bank down&lt;/b&gt;")
                .doesNotContain("<script", "<b>bank");
        assertThat(HostedPageView.challenge(session(3300, "EUR", "DE", null, null), "p_1", null, null))
                .contains("Bestätigen Sie, dass Sie es sind", "Authentifizierung abschließen", "33,00\u00a0€");
    }
}
