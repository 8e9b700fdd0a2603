package dev.paygate.client.webhooks;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A webhook receiver's work, whatever the HTTP framework: verify the signature, read the event, drop a duplicate (by
 * {@code webhook-id}), skip a stale one ("latest version wins", if asked), hand the rest to your handler — once — and
 * say what to answer. Your endpoint passes the raw body and the headers and answers {@link Receipt#httpStatus()}:
 *
 * <pre>{@code
 * WebhookInbox inbox = WebhookInbox.inMemory(secret);
 * Receipt receipt = inbox.receive(request::getHeader, rawBody, event -> { ... });
 * response.setStatus(receipt.httpStatus());
 * }</pre>
 *
 * <p>If the handler throws, the webhook is released (and the version retracted) and the exception goes to your
 * endpoint, which answers 500: Paygate sends it again later, and it is processed then. Thread-safe.
 */
public final class WebhookInbox {

    /** What became of a request, and what to answer it. */
    public enum Receipt {
        /** A new event, handed to the handler, which returned. */
        PROCESSED(200),
        /** An event processed before: nothing done. */
        DUPLICATE(200),
        /** An event about an object a newer event has already been handled for: nothing done. */
        STALE(200),
        /** Another delivery of this event is being processed right now: Paygate tries again later. */
        IN_PROGRESS(409),
        /** Not a genuine Paygate webhook (bad or old signature, not an event): nothing done. */
        REJECTED(400);

        private final int httpStatus;

        Receipt(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final WebhookVerifier verifier;
    private final ProcessedWebhooks processed;
    private final ResourceVersions versions;

    /**
     * @param versions where "latest version wins" keeps the versions; null to hand every new event to the handler, in
     *     the order it arrives
     */
    public WebhookInbox(WebhookVerifier verifier, ProcessedWebhooks processed, ResourceVersions versions) {
        this.verifier = Objects.requireNonNull(verifier);
        this.processed = Objects.requireNonNull(processed);
        this.versions = versions;
    }

    /** An inbox in memory, latest version winning, for an endpoint signed with {@code secrets} (newest first). */
    public static WebhookInbox inMemory(String... secrets) {
        return new WebhookInbox(
                new WebhookVerifier(secrets), new InMemoryProcessedWebhooks(), new InMemoryResourceVersions());
    }

    /** {@link #receive(Function, String, Consumer)} with the headers as a map (names in any case). */
    public Receipt receive(Map<String, List<String>> headers, String body, Consumer<PaygateEvent> handler) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return receive(
                name -> {
                    List<String> values = byName.get(name);
                    return values == null || values.isEmpty() ? null : values.get(0);
                },
                body,
                handler);
    }

    /**
     * Receives one webhook request.
     *
     * @param header a header's first value by name, as {@code request::getHeader}
     * @param body the raw body, exactly as it arrived (not parsed and written again: the signature covers the bytes)
     */
    public Receipt receive(Function<String, String> header, String body, Consumer<PaygateEvent> handler) {
        PaygateEvent event;
        try {
            verifier.verify(header, body);
            event = WebhookEvents.parse(body);
        } catch (InvalidWebhookException e) {
            return Receipt.REJECTED;
        }
        String webhookId = header.apply(WebhookVerifier.ID);
        ProcessedWebhooks.Claim claim = processed.claim(webhookId);
        switch (claim.status()) {
            case DONE:
                return Receipt.DUPLICATE;
            case IN_PROGRESS:
                return Receipt.IN_PROGRESS;
            case FIRST:
            default:
                break;
        }
        boolean versioned = versions != null && event.objectId() != null && event.version() > 0;
        OptionalLong previous = OptionalLong.empty();
        try {
            if (versioned) {
                previous = versions.advance(event.objectId(), event.version());
                if (previous.isEmpty()) {
                    processed.done(webhookId);
                    return Receipt.STALE;
                }
            }
            handler.accept(event);
        } catch (RuntimeException | Error e) {
            try {
                if (previous.isPresent()) {
                    versions.retract(event.objectId(), event.version(), previous.getAsLong());
                }
            } catch (RuntimeException retractFailed) {
                e.addSuppressed(retractFailed);
            } finally {
                try {
                    processed.release(webhookId, claim.token());
                } catch (RuntimeException releaseFailed) {
                    e.addSuppressed(releaseFailed); // the claim times out instead, and the next delivery takes it
                }
            }
            throw e;
        }
        processed.done(webhookId);
        return Receipt.PROCESSED;
    }
}
