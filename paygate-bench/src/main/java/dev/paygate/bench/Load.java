package dev.paygate.bench;

import dev.paygate.contracts.json.PaygateJson;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * Drives the chain: a closed loop of {@code concurrency} clients, or an open loop offering a fixed rate (then each
 * latency counts from the request's intended start, so a stall shows in the percentiles instead of hiding them).
 * Only requests that start inside the measured window are counted.
 */
final class Load {

    /** A change the chain accepted, to be matched with its webhooks later. */
    record Accepted(
            String kind,
            String objectId,
            String paymentId,
            long amount,
            long startedAt,
            long answeredAt,
            boolean measured) {}

    /**
     * A request without a final answer — none, a 5xx, or a 202 ({@code late}: the command was taken, its outcome not
     * known in time) — to be sent again with the same key once the fault is over.
     */
    record Retry(
            String kind,
            String path,
            String body,
            String key,
            String paymentId,
            long amount,
            String objectId,
            boolean late) {}

    private final Api api;
    private final BenchConfig config;
    private final List<Seeded> payments;
    private final boolean withKeys;
    /** Requests that failed, when every POST carries an {@code Idempotency-Key} (the fault suite). */
    final java.util.Queue<Retry> failed = new java.util.concurrent.ConcurrentLinkedQueue<>() {
        @Override
        public boolean add(Retry retry) {
            lastUnfinishedAt.accumulateAndGet(System.nanoTime(), Math::max);
            return super.add(retry);
        }
    };
    /** When the last request without a final answer (none, a 5xx, a 202) was answered; 0: never. */
    final AtomicLong lastUnfinishedAt = new AtomicLong();
    /** Every answer by HTTP status (0: none, the connection failed or timed out). */
    final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    /** Payments and sessions the load created (to be cancelled or expired). */
    final java.util.Set<String> created = ConcurrentHashMap.newKeySet();

    final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
    final AtomicLong sent = new AtomicLong();
    /** Requests the gateway shed: 503 {@code overloaded}, refused before anything was done. */
    final AtomicLong shed = new AtomicLong();
    /** Cancels and expiries shed (object id → kind): each object must be as it was before. */
    final Map<String, String> shedChanges = new ConcurrentHashMap<>();
    /** Accepted with 202: the outcome was not known within the reply timeout (not an error). */
    final AtomicLong late = new AtomicLong();

    private volatile long measureFrom;
    private volatile long measureUntil;

    record Seeded(String id, long amount) {}

    Load(Api api, BenchConfig config, List<Seeded> payments) {
        this(api, config, payments, false);
    }

    /** @param withKeys every POST carries an {@code Idempotency-Key}; failed ones are kept in {@link #failed} */
    Load(Api api, BenchConfig config, List<Seeded> payments, boolean withKeys) {
        this.api = api;
        this.config = config;
        this.payments = payments;
        this.withKeys = withKeys;
    }

    /** Ends the load now: no request starts after this; {@link #run} returns once the last one has its answer. */
    void stop() {
        measureUntil = Math.min(measureUntil, System.nanoTime());
    }

    private String key() {
        return withKeys ? "load-" + java.util.UUID.randomUUID() : null;
    }

    /**
     * Not final: sent again with its key later. A 503 {@code overloaded} is final — the gateway refused the request
     * before doing anything (admission control) — and is not sent again: the load is offered at a fixed rate, and
     * re-sending what was shed would only offer more. The reconciliation checks that it changed nothing.
     */
    private static boolean retryable(Api.Answer answer, Throwable failure) {
        return failure != null
                || (answer.status() >= 500 && !overloaded(answer))
                || (answer.status() == 409 && answer.body().contains("idempotency_key_in_use"));
    }

    static boolean overloaded(Api.Answer answer) {
        return answer != null && answer.status() == 503 && "overloaded".equals(code(answer.body()));
    }

    /** Warm-up then the measured window; returns when the last request of the window has its answer. */
    void run(long warmupNanos, long durationNanos) {
        long start = System.nanoTime();
        measureFrom = start + warmupNanos;
        measureUntil = measureFrom + durationNanos;
        if (config.rate() > 0) {
            openLoop(start);
        } else {
            closedLoop();
        }
    }

    private void closedLoop() {
        CompletableFuture<?>[] clients = new CompletableFuture<?>[config.concurrency()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = client();
        }
        CompletableFuture.allOf(clients).join();
    }

    private CompletableFuture<Void> client() {
        long now = System.nanoTime();
        if (now >= measureUntil) {
            return CompletableFuture.completedFuture(null);
        }
        return operation(now).thenCompose(done -> client());
    }

    private void openLoop(long start) {
        long period = (long) (1_000_000_000L / config.rate());
        long outstandingCap = 20_000;
        AtomicLong outstanding = new AtomicLong();
        CompletableFuture<?> last = CompletableFuture.completedFuture(null);
        for (long i = 0; ; i++) {
            long intended = start + i * period;
            if (intended >= measureUntil) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait); // pacing the offered load, not waiting for an outcome
            }
            while (outstanding.get() >= outstandingCap) {
                LockSupport.parkNanos(100_000); // the client is saturated: the delay shows in the latencies
            }
            outstanding.incrementAndGet();
            last = operation(intended).whenComplete((r, e) -> outstanding.decrementAndGet());
        }
        last.join();
        while (outstanding.get() > 0) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** One operation of the mix, timed from {@code intended}. Never fails: errors are counted by kind. */
    private CompletableFuture<Void> operation(long intended) {
        sent.incrementAndGet();
        boolean measured = intended >= measureFrom && intended < measureUntil;
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (!"mixed".equals(config.mix()) || dice < 70) {
            return refund(intended, measured);
        }
        return dice < 85 ? cancel(intended, measured) : expire(intended, measured);
    }

    private CompletableFuture<Void> refund(long intended, boolean measured) {
        Seeded payment = payments.get(ThreadLocalRandom.current().nextInt(payments.size()));
        long amount = 1 + ThreadLocalRandom.current().nextInt(100);
        String body = "{\"paymentId\": \"" + payment.id() + "\", \"amount\": " + amount + "}";
        String key = key();
        return post("/api2/refunds", body, key).handle((answer, failure) -> {
            long answered = System.nanoTime();
            if (key != null && retryable(answer, failure)) {
                failed.add(new Retry("refund", "/api2/refunds", body, key, payment.id(), amount, null, false));
            }
            String id = settle("refund", answer, failure, intended, answered, measured);
            if (id != null && key != null && answer.status() == 202) {
                // not final: the change may still be refused; the same key tells its final answer later
                failed.add(new Retry("refund", "/api2/refunds", body, key, payment.id(), amount, null, true));
            } else if (id != null) {
                accepted.put(id, new Accepted("refund", id, payment.id(), amount, intended, answered, measured));
            }
            return (Void) null;
        });
    }

    /** A manual-capture payment is authorized (not timed), then cancelled (timed). */
    private CompletableFuture<Void> cancel(long intended, boolean measured) {
        return twoStep(
                "cancel",
                "/api2/payments",
                Benchmark.paymentBody(1000, "manual"),
                id -> "/api2/payments/" + id + "/cancel",
                "{\"cancellationReason\": \"abandoned\"}",
                measured);
    }

    /** A session is created (not timed), then expired (timed). */
    private CompletableFuture<Void> expire(long intended, boolean measured) {
        return twoStep(
                "expire",
                "/api2/sessions",
                "{\"amount\": 1000, \"currency\": \"EUR\"}",
                id -> "/api2/sessions/" + id + "/expire",
                null,
                measured);
    }

    /** Creates an object (not timed), then times the change that is being measured. */
    private CompletableFuture<Void> twoStep(
            String kind,
            String createPath,
            String createBody,
            java.util.function.Function<String, String> changePath,
            String changeBody,
            boolean measured) {
        String createKey = key();
        return post(createPath, createBody, createKey)
                .handle((created, failure) -> {
                    if (createKey != null && (retryable(created, failure) || created.status() == 202)) {
                        failed.add(new Retry(
                                kind + ":create",
                                createPath,
                                createBody,
                                createKey,
                                null,
                                0,
                                null,
                                failure == null && created.status() == 202));
                    }
                    if (failure != null) {
                        status(0);
                        count(kind + ":create " + rootCause(failure).getClass().getSimpleName());
                        return null;
                    }
                    status(created.status());
                    if (overloaded(created)) {
                        shed.incrementAndGet();
                    }
                    return created;
                })
                .thenCompose(created -> {
                    if (created == null) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (created.status() != 200) {
                        count(kind + ":create " + created.status()
                                + (created.status() >= 400 ? " " + code(created.body()) : ""));
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    String id = PaygateJson.wire()
                            .readTree(created.body())
                            .get("id")
                            .asString();
                    this.created.add(id);
                    long start = System.nanoTime();
                    String key = key();
                    String path = changePath.apply(id);
                    return post(path, changeBody, key).handle((answer, failure) -> {
                        long answered = System.nanoTime();
                        boolean notFinal = failure == null && answer.status() == 202;
                        if (key != null && (notFinal || retryable(answer, failure))) {
                            failed.add(new Retry(kind, path, changeBody, key, null, 0, id, notFinal));
                        }
                        if (failure == null && overloaded(answer)) {
                            shedChanges.put(id, kind);
                        }
                        if (settle(kind, answer, failure, start, answered, measured) != null
                                && !(key != null && notFinal)) {
                            accepted.put(id, new Accepted(kind, id, null, 0, start, answered, measured));
                        }
                        return (Void) null;
                    });
                })
                .exceptionally(e -> {
                    count(kind + ":" + rootCause(e).getClass().getSimpleName());
                    return null;
                });
    }

    /**
     * Sends a POST. In a closed loop a client that was shed (503 {@code overloaded}) waits its {@code Retry-After} (1 s)
     * before it goes on, as a merchant's client would, instead of spinning on refusals.
     */
    private CompletableFuture<Api.Answer> post(String path, String body, String key) {
        CompletableFuture<Api.Answer> sent = api.post(path, body, key);
        if (config.rate() > 0) {
            return sent;
        }
        return sent.thenCompose(answer -> overloaded(answer)
                ? CompletableFuture.supplyAsync(
                        () -> answer, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
                : CompletableFuture.completedFuture(answer));
    }

    /** Records the latency and the outcome; emits the accepted object's id, or null. */
    private String settle(
            String kind, Api.Answer answer, Throwable failure, long started, long answered, boolean measured) {
        if (measured && !overloaded(answer)) { // a shed request is counted apart, not as a latency
            latency.computeIfAbsent(kind, k -> new ConcurrentHistogram(3_600_000_000_000L, 3))
                    .recordValue(Math.max(0, answered - started));
        }
        if (failure != null) {
            status(0);
            count(kind + ":" + rootCause(failure).getClass().getSimpleName());
            return null;
        }
        status(answer.status());
        if (overloaded(answer)) {
            shed.incrementAndGet();
        }
        if (!answer.ok()) {
            count(kind + ":" + answer.status() + " " + code(answer.body()));
            return null;
        }
        if (answer.status() == 202) {
            late.incrementAndGet();
        }
        return PaygateJson.wire().readTree(answer.body()).get("id").asString();
    }

    static String code(String body) {
        try {
            JsonNode problem = PaygateJson.wire().readTree(body);
            return problem.has("code") ? problem.get("code").asString() : "";
        } catch (RuntimeException notJson) {
            return "(not JSON)";
        }
    }

    private void status(int status) {
        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    }

    private void count(String kind) {
        errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
