package dev.paygate.launcher;

import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.devinfra.WebhookReceiver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local webhook receiver for trying Paygate out (devinfra's {@link WebhookReceiver}): POST anything under
 * {@code /inbox} and it is kept (the last 200); {@code GET /inbox} lists what arrived, newest first, with the Standard
 * Webhooks headers. It answers 200 to every delivery. Bound to loopback only.
 */
public final class WebhookInbox implements AutoCloseable {

    private static final int KEEP = 200;

    private final WebhookReceiver receiver;

    private WebhookInbox(WebhookReceiver receiver) {
        this.receiver = receiver;
    }

    public static WebhookInbox start(int port) {
        return new WebhookInbox(WebhookReceiver.start(port).keepLast(KEEP).listing(WebhookInbox::render));
    }

    public int port() {
        return receiver.port();
    }

    private static String render(List<WebhookReceiver.Received> newestFirst) {
        List<Map<String, Object>> entries = newestFirst.stream()
                .map(request -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("receivedAt", request.receivedAt().toString());
                    entry.put("path", request.path());
                    for (String header : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
                        entry.put(header, request.header(header));
                    }
                    entry.put("body", request.body());
                    return entry;
                })
                .toList();
        return PaygateJson.wire().writerWithDefaultPrettyPrinter().writeValueAsString(entries);
    }

    @Override
    public void close() {
        receiver.close();
    }
}
