package dev.paygate.bench;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The merchant's side of the public API: JSON over HTTP/1.1 with keep-alive, asynchronous. Given several gateway
 * instances it spreads requests over them round-robin and, like a load balancer, sends a request to the next instance
 * when a connection to one is refused (the request never reached it, so even a POST is safe to send there).
 */
final class Api {

    record Answer(int status, String body) {
        boolean ok() {
            return status == 200 || status == 202;
        }
    }

    private final HttpClient http;
    private final List<String> bases;
    private final AtomicInteger next = new AtomicInteger();
    private final String apiKey;

    Api(String base, String apiKey) {
        this(List.of(base.split(",")), apiKey);
    }

    Api(List<String> bases, String apiKey) {
        this.bases = bases.stream()
                .map(b -> b.endsWith("/") ? b.substring(0, b.length() - 1) : b)
                .toList();
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
        return send(base -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("X-Api-Key", apiKey)
                    .header("X-Version", "2023-10-31");
            if (idempotencyKey != null) {
                request = request.header("Idempotency-Key", idempotencyKey);
            }
            return (json == null
                            ? request.POST(HttpRequest.BodyPublishers.noBody())
                            : request.header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(json)))
                    .build();
        });
    }

    CompletableFuture<Answer> get(String path) {
        return send(base -> HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-Api-Key", apiKey)
                .GET()
                .build());
    }

    CompletableFuture<Answer> delete(String path) {
        return send(base -> HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-Api-Key", apiKey)
                .DELETE()
                .build());
    }

    private CompletableFuture<Answer> send(Function<String, HttpRequest> request) {
        return send(request, Math.floorMod(next.getAndIncrement(), bases.size()), 0);
    }

    private CompletableFuture<Answer> send(Function<String, HttpRequest> request, int first, int tried) {
        String base = bases.get((first + tried) % bases.size());
        return http.sendAsync(request.apply(base), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body()))
                .handle((answer, failure) -> failure == null
                        ? CompletableFuture.completedFuture(answer)
                        : refused(failure) && tried + 1 < bases.size()
                                ? send(request, first, tried + 1)
                                : CompletableFuture.<Answer>failedFuture(failure))
                .thenCompose(f -> f);
    }

    private static boolean refused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
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
