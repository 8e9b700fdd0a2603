package dev.paygate.client.webhooks;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Checks a webhook's Standard Webhooks signature with the published {@code com.standardwebhooks} library, against
 * several secrets at once: while you rotate an endpoint's secret, give both the new and the old one (Paygate signs
 * with both for 24 hours). A webhook is genuine if one of them signed it and its {@code webhook-timestamp} is within 5
 * minutes of now (the library's tolerance, against replays).
 */
public final class WebhookVerifier {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";

    private final List<Webhook> secrets;

    /** @param secrets the endpoint's secrets ({@code whsec_…}), newest first */
    public WebhookVerifier(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret");
        }
        this.secrets = secrets.stream().map(Webhook::new).toList();
    }

    public WebhookVerifier(String... secrets) {
        this(List.of(secrets));
    }

    /**
     * Checks {@code body} (the raw request body, as received) with the request's headers.
     *
     * @param header a header's first value by (case-insensitive) name, as {@code request::getHeader}
     * @throws InvalidWebhookException no secret signed it, or it is too old, or a header is missing
     */
    public void verify(Function<String, String> header, String body) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : List.of(ID, TIMESTAMP, SIGNATURE)) {
            String value = header.apply(name);
            if (value == null) {
                throw new InvalidWebhookException("no " + name + " header");
            }
            headers.put(name, List.of(value));
        }
        WebhookVerificationException last = null;
        for (Webhook secret : secrets) {
            try {
                secret.verify(body, headers);
                return;
            } catch (WebhookVerificationException e) {
                last = e;
            }
        }
        throw new InvalidWebhookException(last.getMessage());
    }
}
