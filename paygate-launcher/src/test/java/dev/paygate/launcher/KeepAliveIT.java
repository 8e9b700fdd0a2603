package dev.paygate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.resources.ConnectionProvider;

/**
 * A merchant's pooled keep-alive client gets an answer to every request, refusals among them (Reactor Netty #4361,
 * fixed in 1.3.8: after a request answered off the event loop — every authenticated one, the key lookup runs on
 * R2DBC's — a refusal answered at once could leave the connection unread, and the next request on it got no answer).
 * Each client sends {@link #REQUESTS} requests from {@link #CONNECTIONS} senders, each one request after the other,
 * alternating a good GET of a payment (the key and the payment read from the database) with a refusal: 404 unknown
 * path, 405 wrong method, 413 by {@code Content-Length}, 415 wrong media type, 401 no key. Each must be answered with
 * its status within {@link #TIMEOUT}. Reactor Netty's client, with a pool of {@link #CONNECTIONS} connections,
 * counts the connections that carried the requests: no more than the pool's (a request that timed out would have
 * cost its connection). The JDK's {@code HttpClient}, HTTP/1.1, pools and keeps alive by itself.
 */
class KeepAliveIT {

    static final int REQUESTS = 2_000;
    /** Senders at once, and connections in the Reactor Netty client's pool. */
    static final int CONNECTIONS = 2;

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** One request: method, path, whether it carries the merchant's key, a body and its type, the status it must get. */
    record Call(String method, String path, boolean key, String contentType, String body, int status) {}

    static String key;
    static String paymentId;
    static List<Call> refusals;

    @BeforeAll
    static void start() {
        key = TestStack.newMerchantKey("keep-alive");
        paymentId = new Http(key)
                .ok("/api2/payments", "{\"amount\": 1000, \"currency\": \"EUR\"}")
                .get("id")
                .asString();
        String payment = "/api2/payments/" + paymentId;
        refusals = List.of(
                new Call("GET", "/api2/nowhere", true, null, null, 404),
                new Call("DELETE", payment, true, null, null, 405),
                new Call(
                        "POST",
                        "/api2/payments",
                        true,
                        "application/json",
                        "{\"amount\": 1000, \"currency\": \"EUR\", \"description\": \"" + "a".repeat(70_000) + "\"}",
                        413),
                new Call("POST", "/api2/payments", true, "text/plain", "amount=1000&currency=EUR", 415),
                new Call("GET", payment, false, null, null, 401));
    }

    /** The i-th request: the good GET, then each refusal in turn. */
    static Call call(int i) {
        return i % 2 == 0
                ? new Call("GET", "/api2/payments/" + paymentId, true, null, null, 200)
                : refusals.get((i / 2) % refusals.size());
    }

    @Test
    void reactorNettyWithAPoolOfTwoConnections() throws Exception {
        Set<Object> connections = ConcurrentHashMap.newKeySet();
        ConnectionProvider pool = ConnectionProvider.builder("keep-alive-it")
                .maxConnections(CONNECTIONS)
                .pendingAcquireTimeout(TIMEOUT)
                .build();
        try {
            reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create(pool)
                    .baseUrl(TestStack.gatewayUrl())
                    .responseTimeout(TIMEOUT)
                    .doOnRequest((request, connection) ->
                            connections.add(connection.channel().id()));
            Outcome outcome = send(c -> client.headers(h -> {
                        h.set("X-Version", "2023-10-31");
                        if (c.key()) {
                            h.set("X-Api-Key", key);
                        }
                        if (c.contentType() != null) {
                            h.set("Content-Type", c.contentType());
                        }
                    })
                    .request(io.netty.handler.codec.http.HttpMethod.valueOf(c.method()))
                    .uri(c.path())
                    .send(
                            c.body() == null
                                    ? ByteBufFlux.empty()
                                    : ByteBufFlux.fromString(
                                            Mono.just(c.body()),
                                            StandardCharsets.UTF_8,
                                            io.netty.buffer.ByteBufAllocator.DEFAULT))
                    .responseSingle((response, body) -> body.asString()
                            .defaultIfEmpty("")
                            .thenReturn(response.status().code()))
                    .block(TIMEOUT.plusSeconds(1)));
            System.out.println("KeepAliveIT: Reactor Netty, " + REQUESTS + " requests on " + connections.size()
                    + " connection(s): " + outcome.answered());
            assertThat(outcome.failures()).as("requests without their answer").isEmpty();
            assertThat(outcome.answered()).isEqualTo(expected());
            // a pool of two connections that were kept: a timed-out request would have cost its connection
            assertThat(connections)
                    .as("connections that carried %d requests", REQUESTS)
                    .hasSizeLessThanOrEqualTo(CONNECTIONS);
            faultsRow("reactor-netty", "Reactor Netty, a pool of " + CONNECTIONS + " connections");
        } finally {
            pool.dispose();
        }
    }

    @Test
    void jdkHttpClient() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .build();
        Outcome outcome = send(c -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestStack.gatewayUrl() + c.path()))
                    .timeout(TIMEOUT)
                    .header("X-Version", "2023-10-31")
                    .method(
                            c.method(),
                            c.body() == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(c.body()));
            if (c.key()) {
                request.header("X-Api-Key", key);
            }
            if (c.contentType() != null) {
                request.header("Content-Type", c.contentType());
            }
            try {
                return client.send(request.build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        System.out.println("KeepAliveIT: JDK HttpClient, " + REQUESTS + " requests: " + outcome.answered());
        assertThat(outcome.failures()).as("requests without their answer").isEmpty();
        assertThat(outcome.answered()).isEqualTo(expected());
        faultsRow("jdk", "the JDK's HttpClient");
    }

    /** The row ./faults adds to the fault suite's table ("Reliability"): every request answered, nothing changed. */
    static void faultsRow(String name, String client) throws java.io.IOException {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
        java.nio.file.Files.writeString(
                java.nio.file.Path.of("target", "keep-alive-" + name + "-row.md"),
                String.format(
                        "| keep-alive (%s; a GET after each 404, 405, 413, 415, 401) | %d | 0 | – | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | – |%n",
                        client, REQUESTS));
    }

    /** What came back: the number of answers of each status, and every request that got none or another. */
    record Outcome(Map<Integer, Integer> answered, List<String> failures) {}

    /**
     * Sends {@link #REQUESTS} requests through {@code client} (which answers a call's status), from {@link #CONNECTIONS}
     * senders at once, each one request after the other: the pool keeps that many connections busy.
     */
    static Outcome send(java.util.function.Function<Call, Integer> client) throws Exception {
        Map<Integer, Integer> answered = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int s = 0; s < CONNECTIONS; s++) {
                int sender = s;
                running.add(senders.submit(() -> {
                    for (int i = sender; i < REQUESTS; i += CONNECTIONS) {
                        Call c = call(i / CONNECTIONS);
                        try {
                            Integer status = client.apply(c);
                            answered.merge(status, 1, Integer::sum);
                            if (status == null || status != c.status()) {
                                failures.add("#" + i + " " + c.method() + " " + c.path() + ": " + status + ", not "
                                        + c.status());
                            }
                        } catch (RuntimeException e) {
                            failures.add("#" + i + " " + c.method() + " " + c.path() + ": " + e);
                        }
                    }
                }));
            }
            for (var r : running) {
                r.get(5, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            senders.shutdownNow();
        }
        return new Outcome(new TreeMap<>(answered), failures);
    }

    static Map<Integer, Integer> expected() {
        Map<Integer, Integer> expected = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            expected.merge(call(i / CONNECTIONS).status(), 1, Integer::sum);
        }
        return expected;
    }
}
