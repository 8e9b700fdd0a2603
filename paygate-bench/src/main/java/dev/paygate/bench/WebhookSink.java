package dev.paygate.bench;

import com.sun.net.httpserver.HttpServer;
import dev.paygate.contracts.json.PaygateJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark's own webhook receiver: answers 200 (at once, or after a latency of its own) and remembers, per object (refund, payment, session),
 * which statuses arrived, when first, and under which {@code webhook-id}s — enough to match every webhook to its
 * request and to tell an allowed redelivery (same id) from a duplicated event (new id, same change).
 */
final class WebhookSink implements AutoCloseable {

    /** One object's webhooks: status → first arrival (nanoTime); (status, version) → the webhook-ids it came under. */
    static final class Seen {
        final Map<String, Long> firstAt = new ConcurrentHashMap<>();
        final Map<String, Set<String>> idsByChange = new ConcurrentHashMap<>();
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, Api.daemon("bench-sink"));
    final Map<String, Seen> objects = new ConcurrentHashMap<>();
    private final Set<String> webhookIds = ConcurrentHashMap.newKeySet();
    final AtomicLong received = new AtomicLong();
    final AtomicLong redeliveries = new AtomicLong();
    /** While true the receiver is "down": it answers 500 to every webhook and remembers nothing. */
    volatile boolean failing;

    final AtomicLong refused = new AtomicLong();
    /** How long the receiver takes to answer; the fault suite makes it slow for a while. */
    volatile java.time.Duration latency;

    private final java.util.concurrent.ScheduledExecutorService later =
            Executors.newSingleThreadScheduledExecutor(Api.daemon("bench-sink-later"));

    WebhookSink() throws IOException {
        this(java.time.Duration.ZERO);
    }

    /** A receiver that answers each webhook {@code latency} after it arrived, holding no thread meanwhile. */
    WebhookSink(java.time.Duration latency) throws IOException {
        this.latency = latency;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.createContext("/", exchange -> {
            long now = System.nanoTime();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (failing) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                return;
            }
            String webhookId = exchange.getRequestHeaders().getFirst("webhook-id");
            Runnable answer = () -> {
                try (exchange) {
                    exchange.sendResponseHeaders(200, -1);
                    record(webhookId, body, now);
                } catch (IOException e) {
                    // the dispatcher gave up waiting: it delivers again, and the redelivery is counted then
                }
            };
            java.time.Duration delay = this.latency;
            if (delay.isZero()) {
                answer.run();
            } else {
                later.schedule(answer, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    private void record(String webhookId, byte[] body, long at) {
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
        server.stop(0);
        executor.shutdownNow();
        later.shutdownNow();
    }
}
