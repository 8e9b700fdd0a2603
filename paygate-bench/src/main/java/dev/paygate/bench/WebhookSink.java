package dev.paygate.bench;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark's webhook receiver (devinfra's {@link WebhookReceiver}, keeping no bodies): answers 200 (at once, or after a latency of its own) and remembers, per object (refund, payment, session),
 * which statuses arrived, when first, and under which {@code webhook-id}s — enough to match every webhook to its
 * request and to tell an allowed redelivery (same id) from a duplicated event (new id, same change).
 */
final class WebhookSink implements AutoCloseable {

    /** One object's webhooks: status → first arrival (nanoTime); (status, version) → the webhook-ids it came under. */
    static final class Seen {
        final Map<String, Long> firstAt = new ConcurrentHashMap<>();
        final Map<String, Set<String>> idsByChange = new ConcurrentHashMap<>();
    }

    private final WebhookReceiver receiver = WebhookReceiver.start().keepLast(0);
    final Map<String, Seen> objects = new ConcurrentHashMap<>();
    private final Set<String> webhookIds = ConcurrentHashMap.newKeySet();
    final AtomicLong received = new AtomicLong();
    final AtomicLong redeliveries = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    WebhookSink() {
        this(Duration.ZERO);
    }

    /** A receiver that answers each webhook {@code latency} after it arrived, holding no thread meanwhile. */
    WebhookSink(Duration latency) {
        receiver.latency(latency);
        receiver.onAnswered((request, status) -> {
            if (status == 200) {
                record(request.header("webhook-id"), request.body(), request.arrivedNanos());
            } else {
                refused.incrementAndGet();
            }
        });
    }

    /** While failing the receiver is "down": it answers 500 to every webhook and remembers nothing. */
    void failing(boolean failing) {
        receiver.answerAll(failing ? 500 : 200);
    }

    /** How long the receiver takes to answer; the fault suite makes it slow for a while. */
    void latency(Duration latency) {
        receiver.latency(latency);
    }

    String url() {
        return receiver.url();
    }

    private void record(String webhookId, String body, long at) {
        received.incrementAndGet();
        if (!webhookIds.add(webhookId)) {
            redeliveries.incrementAndGet();
            return;
        }
        JsonNode object = PaygateJson.wire().readTree(body).get("data").get("object");
        String id = object.get("id").asString();
        String status = object.get("status").asString();
        Seen seen = objects.computeIfAbsent(id, k -> new Seen());
        seen.firstAt.putIfAbsent(status, at);
        seen.idsByChange
                .computeIfAbsent(status + "@" + object.get("version").asLong(), k -> ConcurrentHashMap.newKeySet())
                .add(webhookId);
    }

    /** Whether a webhook with this id (an event id) was received. */
    boolean received(String webhookId) {
        return webhookIds.contains(webhookId);
    }

    /** When the first webhook showing {@code status} of {@code objectId} arrived, or null. */
    Long firstAt(String objectId, String status) {
        Seen seen = objects.get(objectId);
        return seen == null ? null : seen.firstAt.get(status);
    }

    /** Changes that arrived under more than one webhook-id: the same event published twice. */
    long duplicatedEvents() {
        return objects.values().stream()
                .flatMap(s -> s.idsByChange.values().stream())
                .filter(ids -> ids.size() > 1)
                .count();
    }

    @Override
    public void close() {
        receiver.close();
    }
}
