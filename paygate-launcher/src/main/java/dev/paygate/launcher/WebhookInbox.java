package dev.paygate.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paygate.contracts.json.PaygateJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local webhook receiver for trying Paygate out: POST anything under {@code /inbox} and it is kept (the
 * last 200); {@code GET /inbox} lists what arrived, newest first, with the Standard Webhooks headers.
 * It answers 200 to every delivery. Bound to loopback only.
 */
public final class WebhookInbox implements AutoCloseable {

    private static final int KEEP = 200;
    private static final int MAX_BODY = 256 * 1024;

    private final HttpServer server;
    private final Deque<Map<String, Object>> received = new ArrayDeque<>();

    private WebhookInbox(HttpServer server) {
        this.server = server;
    }

    public static WebhookInbox start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        WebhookInbox inbox = new WebhookInbox(server);
        server.createContext("/inbox", inbox::handle);
        server.start();
        return inbox;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if ("POST".equals(exchange.getRequestMethod())) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readNBytes(MAX_BODY);
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("receivedAt", Instant.now().toString());
                entry.put("path", exchange.getRequestURI().getPath());
                for (String header : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
                    entry.put(header, exchange.getRequestHeaders().getFirst(header));
                }
                entry.put("body", new String(body, StandardCharsets.UTF_8));
                synchronized (received) {
                    received.addFirst(entry);
                    while (received.size() > KEEP) {
                        received.removeLast();
                    }
                }
                respond(exchange, 200, "{\"received\":true}");
            } else if ("GET".equals(exchange.getRequestMethod())) {
                List<Map<String, Object>> snapshot;
                synchronized (received) {
                    snapshot = new ArrayList<>(received);
                }
                respond(
                        exchange,
                        200,
                        PaygateJson.wire().writerWithDefaultPrettyPrinter().writeValueAsString(snapshot));
            } else {
                respond(exchange, 405, "{\"error\":\"method not allowed\"}");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
