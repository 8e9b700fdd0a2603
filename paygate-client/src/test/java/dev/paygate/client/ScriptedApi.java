package dev.paygate.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * An HTTP server that answers with a script, one answer per request, and records what it was sent: the client's retry
 * rules against the answers Paygate gives (503 with {@code Retry-After}, 409 {@code idempotency_key_in_use}, a dropped
 * connection …), which the real stack gives only under load or faults. The client against the real stack: the
 * launcher's {@code PaygateClientIT}.
 */
final class ScriptedApi implements AutoCloseable {

    /** An answer: a status, headers and a JSON body; {@link #DROP} closes the connection without one. */
    record Answer(int status, Map<String, String> headers, String body) {}

    static final Answer DROP = new Answer(-1, Map.of(), "");

    /** A request as it arrived. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, long arrivedNanos) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new ArrayList<>();

    ScriptedApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    static Answer json(int status, String body) {
        return new Answer(status, Map.of(), body);
    }

    static Answer problem(int status, String code) {
        return new Answer(
                status,
                Map.of("Content-Type", "application/problem+json"),
                "{\"type\":\"about:blank\",\"title\":\"t\",\"status\":" + status + ",\"code\":\"" + code + "\"}");
    }

    static Answer problem(int status, String code, String retryAfter) {
        Answer answer = problem(status, code);
        return new Answer(
                status, Map.of("Content-Type", "application/problem+json", "Retry-After", retryAfter), answer.body());
    }

    ScriptedApi then(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        exchange.getRequestBody().readAllBytes();
        synchronized (this) {
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    arrived));
        }
        Answer answer = script.poll();
        if (answer == null) {
            answer = problem(500, "script_exhausted");
        }
        if (answer == DROP) {
            exchange.close(); // no status line: the client sees the connection closed under it
            return;
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
