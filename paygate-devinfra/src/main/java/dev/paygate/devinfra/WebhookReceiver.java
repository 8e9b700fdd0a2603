package dev.paygate.devinfra;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A merchant's webhook endpoint on 127.0.0.1, the one the tests, the launcher's inbox and the benchmark all use. It
 * keeps what it receives (all of it, or the last {@link #keepLast n}) and answers 200, unless told otherwise:
 * <ul>
 *   <li>{@link #answer(String, int...)}: the first requests to a path get these statuses, in order;</li>
 *   <li>{@link #always(String, int)} / {@link #answerAll(int)}: a path, or every path, answers this status;</li>
 *   <li>{@link #retryAfter(String, String)}, {@link #redirect(String, String)}, {@link #hang(String)} (no answer until
 *       closed), {@link #latency(Duration)} (every answer that late, holding no thread meanwhile).</li>
 * </ul>
 * {@link #onAnswered} sees each request once its answer has gone out (the benchmark counts webhooks by it).
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * A request as it arrived ({@code arrivedNanos}: {@link System#nanoTime()} then, to measure against); header names
     * are case-insensitive.
     */
    public record Received(
            String path, Map<String, List<String>> headers, String body, Instant receivedAt, long arrivedNanos) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final HttpServer server;
    // unbounded: a hanging path holds its threads, and must not starve the healthy paths
    private final ExecutorService executor = Executors.newCachedThreadPool(daemon("webhook-receiver"));
    private final ScheduledExecutorService later =
            Executors.newSingleThreadScheduledExecutor(daemon("webhook-receiver-later"));
    private final Deque<Received> received = new ArrayDeque<>();
    private final Map<String, Deque<Integer>> scripted = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Set<String> hanging = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> always = new ConcurrentHashMap<>();
    private final Map<String, String> retryAfter = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile int answerAll = 200;
    private volatile int keep = Integer.MAX_VALUE;
    private volatile Duration latency = Duration.ZERO;
    private volatile BiConsumer<Received, Integer> onAnswered = (request, status) -> {};
    private volatile Function<List<Received>, String> listing;

    private WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A receiver on a free port. */
    public static WebhookReceiver start() {
        return start(0);
    }

    /** A receiver on {@code port} (0: a free one). */
    public static WebhookReceiver start(int port) {
        try {
            return new WebhookReceiver(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of {@code path} on this receiver. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The URL of {@code /hooks} on this receiver. */
    public String url() {
        return url("/hooks");
    }

    /** Keep only the last {@code n} requests. */
    public WebhookReceiver keepLast(int n) {
        keep = n;
        return this;
    }

    /** The first requests to {@code path} get these statuses, in order; later ones get the usual answer. */
    public void answer(String path, int... statuses) {
        Deque<Integer> queue = new ArrayDeque<>();
        for (int status : statuses) {
            queue.add(status);
        }
        scripted.put(path, queue);
    }

    /** Every request to {@code path} gets {@code status} until {@link #heal(String)}. */
    public void always(String path, int status) {
        always.put(path, status);
    }

    /** Every request to a path not told otherwise gets {@code status} (200 to start with). */
    public void answerAll(int status) {
        answerAll = status;
    }

    /** {@code path} answers as usual from now on. */
    public void heal(String path) {
        always.remove(path);
        hanging.remove(path);
    }

    /** Failed answers from {@code path} carry {@code Retry-After: value}. */
    public void retryAfter(String path, String value) {
        retryAfter.put(path, value);
    }

    public void redirect(String path, String location) {
        redirects.put(path, location);
    }

    /** Requests to {@code path} get no answer until the receiver closes: a dead-slow endpoint. */
    public void hang(String path) {
        hanging.add(path);
    }

    /** Every answer goes out {@code latency} after its request arrived, holding no thread meanwhile. */
    public void latency(Duration latency) {
        this.latency = latency;
    }

    /** Called with each request and its status once the answer has gone out (not if the sender gave up first). */
    public void onAnswered(BiConsumer<Received, Integer> listener) {
        onAnswered = listener;
    }

    /**
     * A GET is answered with {@code render} of what is kept, newest first, as {@code application/json}, and is not
     * kept itself (the launcher's inbox lists its webhooks so).
     */
    public WebhookReceiver listing(Function<List<Received>, String> render) {
        listing = render;
        return this;
    }

    /** What arrived (what is kept), in order. */
    public List<Received> received() {
        synchronized (received) {
            return Collections.unmodifiableList(new ArrayList<>(received));
        }
    }

    /** What arrived at {@code path}, in order. */
    public List<Received> at(String path) {
        return received().stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        Function<List<Received>, String> render = listing;
        if (render != null && "GET".equals(exchange.getRequestMethod())) {
            List<Received> newestFirst = new ArrayList<>(received());
            Collections.reverse(newestFirst);
            byte[] json = render.apply(newestFirst).getBytes(StandardCharsets.UTF_8);
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, json.length);
                exchange.getResponseBody().write(json);
            }
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(exchange.getRequestHeaders());
        Received request = new Received(path, Collections.unmodifiableMap(headers), body, Instant.now(), arrived);
        synchronized (received) {
            received.addLast(request);
            while (received.size() > keep) {
                received.removeFirst();
            }
        }
        if (hanging.contains(path)) {
            awaitClose();
        }
        int status = statusFor(path);
        Duration delay = latency;
        if (delay.isZero()) {
            respond(exchange, request, status);
        } else {
            later.schedule(() -> respond(exchange, request, status), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private int statusFor(String path) {
        String location = redirects.get(path);
        if (location != null) {
            return 302;
        }
        Integer fixed = always.get(path);
        if (fixed != null) {
            return fixed;
        }
        Deque<Integer> queue = scripted.get(path);
        Integer next;
        synchronized (this) {
            next = queue == null ? null : queue.poll();
        }
        return next == null ? answerAll : next;
    }

    private void respond(HttpExchange exchange, Received request, int status) {
        try (exchange) {
            byte[] answer = (status == 200 ? "ok" : "status " + status).getBytes(StandardCharsets.UTF_8);
            String location = redirects.get(request.path());
            if (status == 302 && location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            if (status != 200 && retryAfter.containsKey(request.path())) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter.get(request.path()));
            }
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
            onAnswered.accept(request, status);
        } catch (IOException e) {
            // the sender gave up waiting: it sends again, and the request is seen again then
        }
    }

    private void awaitClose() {
        try {
            closing.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
        later.shutdownNow();
    }
}
