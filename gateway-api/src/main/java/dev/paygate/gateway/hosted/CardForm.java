package dev.paygate.gateway.hosted;

import dev.paygate.gateway.payment.PaymentRequests.CardInputJson;
import dev.paygate.gateway.payment.PaymentRequests.PaymentMethodInput;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hosted page's card form as posted ({@code application/x-www-form-urlencoded}), checked field by field so
 * the page can say what is wrong next to each field. The card number and CVC are kept only to be tokenized and
 * never rendered back ({@link #toString()} leaves them out too).
 */
record CardForm(String cardNumber, String expiryMonth, String expiryYear, String cvc, String holderName) {

    static final String CARD_NUMBER = "cardNumber";
    static final String EXPIRY_MONTH = "expiryMonth";
    static final String EXPIRY_YEAR = "expiryYear";
    static final String CVC = "cvc";
    static final String HOLDER_NAME = "holderName";

    static final CardForm EMPTY = new CardForm("", "", "", "", "");

    /** Parses a urlencoded body; a malformed escape makes the whole body unreadable (a 400 page). */
    static CardForm parse(String body) {
        Map<String, String> fields = fields(body);
        return new CardForm(
                trim(fields.get(CARD_NUMBER)),
                trim(fields.get(EXPIRY_MONTH)),
                trim(fields.get(EXPIRY_YEAR)),
                trim(fields.get(CVC)),
                trim(fields.get(HOLDER_NAME)));
    }

    /** A urlencoded body's fields (the first of each name); a malformed escape throws {@link IllegalArgumentException}. */
    static Map<String, String> fields(String body) {
        Map<String, String> fields = new HashMap<>();
        if (body != null && !body.isEmpty()) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            }
        }
        return fields;
    }

    /** What is wrong, in English ({@link #errors(HostedTexts)}). */
    Map<String, String> errors() {
        return errors(HostedTexts.ENGLISH);
    }

    /** What is wrong, by field, in the order the fields appear on the page; empty when the form can be sent on. */
    Map<String, String> errors(HostedTexts t) {
        Map<String, String> errors = new LinkedHashMap<>();
        String digits = digits();
        if (cardNumber.isEmpty()) {
            errors.put(CARD_NUMBER, t.get("error.cardNumber.missing"));
        } else if (!digits.matches("\\d{12,19}")) {
            errors.put(CARD_NUMBER, t.get("error.cardNumber.format"));
        }
        if (!expiryMonth.matches("\\d{1,2}")
                || Integer.parseInt(expiryMonth) < 1
                || Integer.parseInt(expiryMonth) > 12) {
            errors.put(EXPIRY_MONTH, t.get("error.expiryMonth"));
        }
        if (!expiryYear.matches("\\d{2}|\\d{4}")) {
            errors.put(EXPIRY_YEAR, t.get("error.expiryYear"));
        }
        if (!cvc.matches("\\d{3,4}")) {
            errors.put(CVC, t.get("error.cvc"));
        }
        if (holderName.length() > 200) {
            errors.put(HOLDER_NAME, t.get("error.holderName"));
        }
        return errors;
    }

    /** The card as the test API takes it; only once {@link #errors()} is empty. */
    PaymentMethodInput toPaymentMethod() {
        int year = Integer.parseInt(expiryYear);
        return new PaymentMethodInput(
                "card",
                new CardInputJson(
                        digits(),
                        cvc,
                        Integer.parseInt(expiryMonth),
                        year < 100 ? 2000 + year : year,
                        holderName.isEmpty() ? null : holderName));
    }

    /** The same form without the card number and CVC: what may be shown again. */
    CardForm withoutSecrets() {
        return new CardForm("", expiryMonth, expiryYear, "", holderName);
    }

    private String digits() {
        return cardNumber.replace(" ", "").replace("-", "");
    }

    private static String trim(String value) {
        return value == null ? "" : value.strip();
    }

    @Override
    public String toString() {
        return "CardForm[redacted]"; // the number and CVC must never reach a log
    }
}
