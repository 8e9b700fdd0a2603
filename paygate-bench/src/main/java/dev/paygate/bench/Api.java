package dev.paygate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/** The merchant's side of the public API: JSON over HTTP/1.1 with keep-alive, asynchronous. */
final class Api {

    record Answer(int status, String body) {
        boolean ok() {
            return status == 200 || status == 202;
        }
    }

    private final HttpClient http;
    private final String base;
    private final String apiKey;

    Api(String base, String apiKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4, daemon("bench-http")))
                .build();
    }

    CompletableFuture<Answer> post(String path, String json) {
        return post(path, json, null);
    }

    /** A POST with an {@code Idempotency-Key} (none when null), so a failed attempt can be sent again safely. */
    CompletableFuture<Answer> post(String path, String json, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-Api-Key", apiKey)
                .header("X-Version", "2023-10-31");
        if (idempotencyKey != null) {
            request = request.header("Idempotency-Key", idempotencyKey);
        }
        request = json == null ? request.POST(HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body()));
    }

    CompletableFuture<Answer> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-Api-Key", apiKey)
                .GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body()));
    }

    CompletableFuture<Answer> delete(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-Api-Key", apiKey)
                .DELETE().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body()));
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
