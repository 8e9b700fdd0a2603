package dev.paygate.webhook;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A merchant's webhook receiver on 127.0.0.1: records every request and answers 200, or what a path was told
 * to answer first ({@link #answer(String, int...)}), or always a redirect ({@link #redirect(String, String)}), or
 * nothing at all ({@link #hang(String)}).
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(String path, Headers headers, String body, java.time.Instant receivedAt) {

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final HttpServer server;
    // unbounded: a hanging path holds its threads, and must not starve the healthy paths
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> scripted = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Set<String> hanging = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> always = new ConcurrentHashMap<>();
    private final Map<String, String> retryAfter = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The first requests to {@code path} get these statuses, in order; later ones get 200. */
    void answer(String path, int... statuses) {
        Deque<Integer> queue = new ArrayDeque<>();
        for (int status : statuses) {
            queue.add(status);
        }
        scripted.put(path, queue);
    }

    /** Every request to {@code path} gets {@code status} until {@link #heal(String)}. */
    void always(String path, int status) {
        always.put(path, status);
    }

    /** {@code path} answers 200 from now on. */
    void heal(String path) {
        always.remove(path);
        hanging.remove(path);
    }

    /** Failed answers from {@code path} carry {@code Retry-After: value}. */
    void retryAfter(String path, String value) {
        retryAfter.put(path, value);
    }

    void redirect(String path, String location) {
        redirects.put(path, location);
    }

    /** Requests to {@code path} get no answer until the receiver closes: a dead-slow endpoint. */
    void hang(String path) {
        hanging.add(path);
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(path, exchange.getRequestHeaders(), body, java.time.Instant.now()));
        if (hanging.contains(path)) {
            awaitClose();
        }
        Integer fixed = always.get(path);
        int status;
        String location = redirects.get(path);
        if (location != null) {
            exchange.getResponseHeaders().add("Location", location);
            status = 302;
        } else if (fixed != null) {
            status = fixed;
        } else {
            Deque<Integer> queue = scripted.get(path);
            Integer next;
            synchronized (this) {
                next = queue == null ? null : queue.poll();
            }
            status = next == null ? 200 : next;
        }
        byte[] answer = (status == 200 ? "ok" : "status " + status).getBytes(StandardCharsets.UTF_8);
        if (status != 200 && retryAfter.containsKey(path)) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter.get(path));
        }
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private void awaitClose() {
        try {
            closing.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
