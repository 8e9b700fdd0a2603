package dev.paygate.gateway.hosted;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The hosted page's text in the session's language: German for a {@code locale} of {@code DE} (or {@code de-AT},
 * {@code de_CH} …), English for every other (and for none). The texts are {@code hosted/messages*.properties};
 * {@code {0}} in a text is a value the page fills in.
 */
final class HostedTexts {

    static final HostedTexts ENGLISH = new HostedTexts(Locale.ENGLISH);
    static final HostedTexts GERMAN = new HostedTexts(Locale.GERMAN);

    private final ResourceBundle bundle;
    private final DateTimeFormatter expiry;

    private HostedTexts(Locale language) {
        // no fallback to the JVM's default locale: English is the base bundle, whatever the machine's locale
        this.bundle = ResourceBundle.getBundle(
                "hosted.messages",
                language,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        this.expiry = DateTimeFormatter.ofPattern(bundle.getString("expiry.pattern"), language)
                .withZone(ZoneOffset.UTC);
    }

    /** The texts for a session's {@code locale} ({@code EN}, {@code de-DE} …; null: English). */
    static HostedTexts of(String locale) {
        if (locale == null) {
            return ENGLISH;
        }
        String language = Locale.forLanguageTag(locale.replace('_', '-')).getLanguage();
        return "de".equals(language) ? GERMAN : ENGLISH;
    }

    /** The page's {@code lang}. */
    String lang() {
        return bundle.getString("lang");
    }

    /** The text {@code key}, with {@code {0}}, {@code {1}} … replaced by {@code values} (as given: escape after). */
    String get(String key, String... values) {
        String text = bundle.getString(key);
        for (int i = 0; i < values.length; i++) {
            text = text.replace("{" + i + "}", values[i]);
        }
        return text;
    }

    /** When the page expires, as this language writes it. */
    String expiry(java.time.Instant at) {
        return expiry.format(at);
    }
}
