package dev.paygate.gateway.hosted;

import dev.paygate.contracts.resource.Session;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.util.HtmlUtils;

/**
 * The hosted page's HTML, rendered on the server without scripts. Every value that is not a constant of this
 * class goes through {@link #esc} (text and attribute values alike), so a merchant- or payer-supplied
 * {@code <script>} shows as text. The text is in the session's language ({@link HostedTexts}: German or English),
 * and so is {@code lang}; the session's locale formats the amount.
 */
final class HostedPageView {

    private HostedPageView() {}

    /** The card form, with the problems of the last try when there are any (field → message). */
    static String form(Session s, CardForm values, Map<String, String> errors, String notice) {
        HostedTexts t = HostedTexts.of(s.locale());
        String amount = amount(s);
        StringBuilder b = new StringBuilder();
        b.append(header(s, t.get("title.pay", amount)));
        if (!errors.isEmpty() || notice != null) {
            b.append("""
                    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
                    <h2 id="error-summary-title">""").append(esc(t.get("errors.title"))).append("</h2>\n");
            if (notice != null) {
                b.append("<p>").append(esc(notice)).append("</p>\n");
            }
            if (!errors.isEmpty()) {
                b.append("<ul>\n");
                errors.forEach((field, message) -> b.append("<li><a href=\"#")
                        .append(esc(field))
                        .append("\">")
                        .append(esc(message))
                        .append("</a></li>\n"));
                b.append("</ul>\n");
            }
            b.append("</div>\n");
        }
        b.append("<form method=\"post\" action=\"/pay/").append(esc(s.id())).append("\" novalidate>\n");
        b.append(field(
                t,
                CardForm.CARD_NUMBER,
                t.get("field.cardNumber"),
                "cc-number",
                "numeric",
                23,
                "",
                errors,
                "<span class=\"hint\" id=\"cardNumber-hint\">" + esc(t.get("hint.cardNumber")) + "</span>"));
        b.append("<fieldset class=\"expiry\" aria-describedby=\"expiry-hint\">\n<legend>")
                .append(esc(t.get("field.expiry")))
                .append("</legend>\n")
                .append("<span class=\"hint\" id=\"expiry-hint\">")
                .append(esc(t.get("hint.expiry")))
                .append("</span>\n")
                .append("<div class=\"row\">\n")
                .append(field(
                        t,
                        CardForm.EXPIRY_MONTH,
                        t.get("field.expiryMonth"),
                        "cc-exp-month",
                        "numeric",
                        2,
                        values.expiryMonth(),
                        errors,
                        null))
                .append(field(
                        t,
                        CardForm.EXPIRY_YEAR,
                        t.get("field.expiryYear"),
                        "cc-exp-year",
                        "numeric",
                        4,
                        values.expiryYear(),
                        errors,
                        null))
                .append("</div>\n</fieldset>\n");
        b.append(field(
                t,
                CardForm.CVC,
                t.get("field.cvc"),
                "cc-csc",
                "numeric",
                4,
                "",
                errors,
                "<span class=\"hint\" id=\"cvc-hint\">" + esc(t.get("hint.cvc")) + "</span>"));
        b.append(field(
                t,
                CardForm.HOLDER_NAME,
                t.get("field.holderName"),
                "cc-name",
                null,
                200,
                values.holderName(),
                errors,
                null));
        b.append("<button type=\"submit\">")
                .append(esc(t.get("button.pay", amount)))
                .append("</button>\n</form>\n");
        String time =
                "<time datetime=\"" + esc(s.expiresAt().toString()) + "\">" + esc(t.expiry(s.expiresAt())) + "</time>";
        b.append("<p class=\"small\">")
                .append(esc(t.get("form.expires")).replace("{0}", time))
                .append("</p>\n");
        return b.append(FOOTER).toString();
    }

    /** A completed (paid) session. */
    static String paid(Session s) {
        HostedTexts t = HostedTexts.of(s.locale());
        return header(s, t.get("paid.title"))
                + "<p class=\"status\" role=\"status\">" + esc(t.get("paid.text", amount(s))) + "</p>\n"
                + back(s.successUrl(), t.get("back"))
                + FOOTER;
    }

    /** An expired session: no form. */
    static String expired(Session s) {
        HostedTexts t = HostedTexts.of(s.locale());
        return header(s, t.get("expired.title"))
                + "<p class=\"status\" role=\"status\">" + esc(t.get("expired.text")) + "</p>\n"
                + back(s.failureUrl(), t.get("back"))
                + FOOTER;
    }

    /** The outcome is not known yet (the payment is still being processed). */
    static String processing(Session s) {
        HostedTexts t = HostedTexts.of(s.locale());
        return header(s, t.get("processing.title"))
                + "<p class=\"status\" role=\"status\">" + esc(t.get("processing.text")) + " <a href=\"/pay/"
                + esc(s.id()) + "\">" + esc(t.get("processing.link")) + "</a> " + esc(t.get("processing.after"))
                + "</p>\n"
                + FOOTER;
    }

    /**
     * The test-mode 3-D Secure challenge, as a card network's test ACS page shows it: the payer chooses whether the
     * authentication completes or fails. Two submit buttons of one form: no script.
     */
    static String challenge(Session s, String paymentId, String maskedNumber, String notice) {
        HostedTexts t = HostedTexts.of(s.locale());
        String card = maskedNumber == null
                ? ""
                : "<dt>" + esc(t.get("challenge.card")) + "</dt><dd>" + esc(maskedNumber) + "</dd>\n";
        StringBuilder b = new StringBuilder(header(s, t.get("challenge.title"), card));
        if (notice != null) {
            b.append("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus>\n<p>")
                    .append(esc(notice))
                    .append("</p>\n</div>\n");
        }
        b.append("<p>").append(esc(t.get("challenge.intro", amount(s)))).append("</p>\n");
        b.append("<p class=\"notice\">")
                .append(esc(t.get("challenge.testMode")))
                .append("</p>\n");
        b.append("<form method=\"post\" action=\"/pay/")
                .append(esc(s.id()))
                .append("/authenticate\">\n<input type=\"hidden\" name=\"payment\" value=\"")
                .append(esc(paymentId))
                .append("\">\n<div class=\"actions\">\n<button type=\"submit\" name=\"result\" value=\"complete\">")
                .append(esc(t.get("challenge.complete")))
                .append("</button>\n<button type=\"submit\" name=\"result\" value=\"fail\" class=\"secondary\">")
                .append(esc(t.get("challenge.fail")))
                .append("</button>\n</div>\n</form>\n");
        return b.append(FOOTER).toString();
    }

    /** A page without a session: unknown id, unreadable request, service trouble. */
    static String message(String title, String text) {
        return start(title, "en") + "<h1>" + esc(title) + "</h1>\n<p>" + esc(text) + "</p>\n" + FOOTER;
    }

    /** The amount from minor units, in the session's currency and formatted for its locale. */
    static String amount(Session s) {
        try {
            Currency currency = Currency.getInstance(s.currency());
            int digits = Math.max(currency.getDefaultFractionDigits(), 0);
            NumberFormat format = NumberFormat.getCurrencyInstance(locale(s.locale()));
            format.setCurrency(currency);
            format.setMinimumFractionDigits(digits);
            format.setMaximumFractionDigits(digits);
            return format.format(BigDecimal.valueOf(s.amount(), digits));
        } catch (IllegalArgumentException e) {
            return BigDecimal.valueOf(s.amount(), 2).toPlainString() + " " + s.currency();
        }
    }

    private static Locale locale(String tag) {
        Locale locale = tag == null ? Locale.ENGLISH : Locale.forLanguageTag(tag.replace('_', '-'));
        return locale.getLanguage().isEmpty() ? Locale.ENGLISH : locale;
    }

    private static String header(Session s, String title) {
        return header(s, title, "");
    }

    /** The page's start, title and summary; {@code moreRows}: further {@code <dt>}/{@code <dd>} pairs, as HTML. */
    private static String header(Session s, String title, String moreRows) {
        HostedTexts t = HostedTexts.of(s.locale());
        StringBuilder b = new StringBuilder(start(title, t.lang()));
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<dl class=\"summary\">\n<dt>")
                .append(esc(t.get("summary.amount")))
                .append("</dt><dd>")
                .append(esc(amount(s)))
                .append("</dd>\n");
        if (s.merchantReferenceId() != null && !s.merchantReferenceId().isEmpty()) {
            b.append("<dt>")
                    .append(esc(t.get("summary.reference")))
                    .append("</dt><dd>")
                    .append(esc(s.merchantReferenceId()))
                    .append("</dd>\n");
        }
        return b.append(moreRows).append("</dl>\n").toString();
    }

    private static String start(String title, String lang) {
        return "<!DOCTYPE html>\n<html lang=\"" + lang + "\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<title>" + esc(title) + " – Paygate</title>\n"
                + "<link rel=\"stylesheet\" href=\"" + HostedPageController.STYLESHEET + "\">\n"
                + "</head>\n<body>\n<main>\n";
    }

    private static final String FOOTER = "</main>\n</body>\n</html>\n";

    private static String back(String url, String label) {
        if (url == null) {
            return "";
        }
        return "<p><a class=\"button\" href=\"" + esc(url) + "\">" + esc(label) + "</a></p>\n";
    }

    private static String field(
            HostedTexts t,
            String name,
            String label,
            String autocomplete,
            String inputMode,
            int maxLength,
            String value,
            Map<String, String> errors,
            String hint) {
        String error = errors.get(name);
        StringBuilder describedBy = new StringBuilder();
        StringBuilder b = new StringBuilder("<div class=\"field")
                .append(error == null ? "" : " invalid")
                .append("\">\n");
        b.append("<label for=\"").append(name).append("\">").append(esc(label)).append("</label>\n");
        if (hint != null) {
            b.append(hint).append('\n');
            describedBy.append(name).append("-hint");
        }
        if (error != null) {
            b.append("<span class=\"field-error\" id=\"")
                    .append(name)
                    .append("-error\"><span class=\"visually-hidden\">")
                    .append(esc(t.get("error.prefix")))
                    .append("</span>")
                    .append(esc(error))
                    .append("</span>\n");
            describedBy.append(describedBy.isEmpty() ? "" : " ").append(name).append("-error");
        }
        b.append("<input id=\"")
                .append(name)
                .append("\" name=\"")
                .append(name)
                .append("\" type=\"text\"")
                .append(" autocomplete=\"")
                .append(autocomplete)
                .append('"');
        if (inputMode != null) {
            b.append(" inputmode=\"").append(inputMode).append("\" spellcheck=\"false\"");
        }
        b.append(" maxlength=\"").append(maxLength).append('"');
        if (!CardForm.HOLDER_NAME.equals(name)) {
            b.append(" required aria-required=\"true\"");
        }
        if (error != null) {
            b.append(" aria-invalid=\"true\"");
        }
        if (!describedBy.isEmpty()) {
            b.append(" aria-describedby=\"").append(describedBy).append('"');
        }
        b.append(" value=\"").append(esc(value)).append("\">\n</div>\n");
        return b.toString();
    }

    static String esc(String value) {
        return value == null ? "" : HtmlUtils.htmlEscape(value, "UTF-8");
    }

    /** The page's only styles (served as a file: the Content-Security-Policy allows no inline style or script). */
    static final String CSS = """
            *, *::before, *::after { box-sizing: border-box; }
            body { margin: 0; font: 1.05rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                   color: #1b1b1b; background: #f3f4f6; }
            main { max-width: 32rem; margin: 2rem auto; padding: 1.5rem 2rem; background: #fff;
                   border: 1px solid #d0d4da; border-radius: 8px; }
            h1 { font-size: 1.6rem; margin: 0 0 1rem; }
            .summary { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1.5rem; }
            .summary dt { font-weight: 600; }
            .summary dd { margin: 0; overflow-wrap: anywhere; }
            .field { margin-bottom: 1.1rem; }
            label, legend { display: block; font-weight: 600; margin-bottom: .2rem; }
            fieldset { border: 0; padding: 0; margin: 0 0 1.1rem; min-width: 0; }
            legend { padding: 0; }
            #cvc { width: 8rem; }
            .expiry .row { display: flex; gap: 1rem; }
            .expiry .field { margin-bottom: 0; }
            .expiry label { font-weight: 400; }
            .expiry input { width: 6rem; }
            .hint { display: block; color: #4a4f57; font-size: .95rem; margin-bottom: .25rem; }
            input { width: 100%; padding: .55rem .6rem; font: inherit; border: 2px solid #4a4f57; border-radius: 4px; }
            .invalid input { border-color: #b3261e; }
            .field-error { display: block; color: #b3261e; font-weight: 600; }
            button, .button { display: inline-block; padding: .7rem 1.4rem; font: inherit; font-weight: 600; color: #fff;
                   background: #1a5d1a; border: 2px solid #1a5d1a; border-radius: 4px; cursor: pointer; text-decoration: none; }
            button:hover, .button:hover { background: #124512; }
            :focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
            input:focus-visible { outline: 3px solid #ffbf47; outline-offset: 0; border-color: #1b1b1b; }
            a { color: #1d4ed8; }
            .error-summary { border: 4px solid #b3261e; padding: 1rem 1.2rem; margin-bottom: 1.5rem; }
            .error-summary h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
            .error-summary ul { margin: 0; padding-left: 1.2rem; }
            .error-summary a { color: #b3261e; font-weight: 600; }
            .status { font-size: 1.1rem; }
            .small { font-size: .9rem; color: #4a4f57; margin-top: 1.5rem; }
            .notice { border-left: 4px solid #1d4ed8; padding: .5rem 1rem; background: #eef2ff; }
            .actions { display: flex; flex-wrap: wrap; gap: 1rem; }
            button.secondary { color: #1b1b1b; background: #fff; border-color: #4a4f57; }
            button.secondary:hover { background: #e5e7eb; }
            .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden;
                   clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
            """;
}
