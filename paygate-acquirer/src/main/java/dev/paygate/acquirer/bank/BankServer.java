package dev.paygate.acquirer.bank;

import dev.paygate.acquirer.bank.BankApi.AmountBody;
import dev.paygate.acquirer.bank.BankApi.AuthorizeBody;
import dev.paygate.acquirer.bank.BankApi.ErrorBody;
import dev.paygate.acquirer.bank.BankApi.RefundBody;
import dev.paygate.acquirer.bank.Ledger.Answer;
import dev.paygate.acquirer.bank.Ledger.Executed;
import dev.paygate.acquirer.bank.Ledger.Reply;
import dev.paygate.contracts.json.PaygateJson;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulated bank as an HTTP server ({@link BankApi}), with a {@link Ledger} of everything it executed. It behaves
 * as the in-process simulator does, takes {@link BankSettings#latency()} ± {@link BankSettings#jitter()} per
 * operation without holding a thread, fails at {@link BankSettings#failureRate()}, and while
 * {@link BankSettings#down()} answers nothing at all. Run it as its own process with {@link BankServerMain}.
 */
public final class BankServer implements AutoCloseable {

    private static final byte[] NO_BODY = new byte[0];

    private final BankSettings settings;
    private final Ledger ledger = new Ledger();
    private final BankOperations bank;
    private final JsonMapper json = PaygateJson.wire();
    private volatile DisposableServer server;
    /**
     * Event loops of its own: a bank in the same JVM as the services (the launcher, tests) must not live on the
     * global Reactor Netty resources, which a service disposes when its context closes.
     */
    private final reactor.netty.resources.LoopResources loops = reactor.netty.resources.LoopResources.create(
            "bank", Math.max(2, Runtime.getRuntime().availableProcessors()), true);

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight =
            new java.util.concurrent.atomic.AtomicInteger();

    public BankServer(BankSettings settings) {
        this.settings = settings;
        this.bank = new BankOperations(settings, ledger);
    }

    /** Listens on loopback; {@code port} 0 picks a free one ({@link #port()}). */
    public BankServer start(int port) {
        return start("127.0.0.1", port);
    }

    public BankServer start(String host, int port) {
        server = HttpServer.create()
                .runOn(loops)
                .host(host)
                .port(port)
                .route(routes -> routes.post(
                                BankApi.AUTHORIZATIONS,
                                (req, res) -> post(req, res, b -> valid(read(b, AuthorizeBody.class)), bank::authorize))
                        .post(
                                BankApi.AUTHORIZATIONS + "/{id}/captures",
                                (req, res) -> post(
                                        req,
                                        res,
                                        b -> read(b, AmountBody.class),
                                        (key, body) -> bank.capture(key, id(req, "id"), body)))
                        .post(
                                BankApi.AUTHORIZATIONS + "/{id}/reductions",
                                (req, res) -> post(
                                        req,
                                        res,
                                        b -> read(b, AmountBody.class),
                                        (key, body) -> bank.reduce(key, id(req, "id"), body)))
                        .post(
                                BankApi.AUTHORIZATIONS + "/{id}/voids",
                                (req, res) -> post(
                                        req, res, b -> "", (key, body) -> bank.voidAuthorization(key, id(req, "id"))))
                        .post(
                                BankApi.REFUNDS,
                                (req, res) -> post(req, res, b -> valid(read(b, RefundBody.class)), bank::refund))
                        .get(
                                BankApi.REFUNDS + "/{reference}",
                                (req, res) -> settings.down().getAsBoolean()
                                        ? Mono.never()
                                        : bank.refundStatus(id(req, "reference"))
                                                .flatMap(a -> send(res, a, false)))
                        .get(BankApi.LEDGER, this::ledger)
                        .get(BankApi.STATS, (req, res) -> {
                            BankApi.Stats now = stats();
                            if (new QueryStringDecoder(req.uri()).parameters().containsKey("reset")) {
                                maxInFlight.set(inFlight.get());
                            }
                            return send(res, new Answer(200, now), false);
                        }))
                .bindNow(Duration.ofSeconds(10));
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    public Ledger ledger() {
        return ledger;
    }

    /** How busy the bank is, and the most requests it worked on at once. */
    public BankApi.Stats stats() {
        return new BankApi.Stats(
                inFlight.get(), maxInFlight.get(), ledger.entries().size(), ledger.repeats());
    }

    @Override
    public void close() {
        DisposableServer running = server;
        if (running != null) {
            running.disposeNow(Duration.ofSeconds(5));
        }
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }

    /**
     * Blocks until the server is closed: only {@link BankServerMain}'s main thread calls it, to keep the process
     * alive while the bank serves (the event loops run on daemon threads); never on a reactive path.
     */
    void awaitClose() {
        server.onDispose().block();
    }

    private <B> Publisher<Void> post(
            HttpServerRequest req,
            HttpServerResponse res,
            Function<byte[], B> parse,
            BiFunction<String, B, Mono<Executed>> operation) {
        if (settings.down().getAsBoolean()) {
            return Mono.never();
        }
        String key = req.requestHeaders().get(BankApi.IDEMPOTENCY_KEY);
        if (key == null || key.isBlank()) {
            return send(
                    res,
                    new Answer(
                            400,
                            new ErrorBody(
                                    "idempotency_key_missing",
                                    "Every POST needs an " + BankApi.IDEMPOTENCY_KEY + " header.")),
                    false);
        }
        return req.receive()
                .aggregate()
                .asByteArray()
                .defaultIfEmpty(NO_BODY)
                .flatMap(bytes -> {
                    B body;
                    try {
                        body = parse.apply(bytes);
                    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
                        return Mono.just(new Reply(
                                new Answer(
                                        400,
                                        new ErrorBody("invalid_request", "The body is not valid: " + e.getMessage())),
                                false));
                    }
                    // the path names the operation and the authorization, the body the rest
                    return ledger.run(key, List.of(req.fullPath(), body), operation.apply(key, body));
                })
                .flatMap(reply -> send(res, reply.answer(), reply.replayed()))
                .doOnSubscribe(s -> maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                .doFinally(signal -> inFlight.decrementAndGet());
    }

    private Publisher<Void> ledger(HttpServerRequest req, HttpServerResponse res) {
        if (settings.down().getAsBoolean()) {
            return Mono.never();
        }
        Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
        return send(
                res,
                new Answer(200, ledger.entries(first(query, "reference"), first(query, "authorizationId"))),
                false);
    }

    private Mono<Void> send(HttpServerResponse res, Answer answer, boolean replayed) {
        byte[] bytes = json.writeValueAsBytes(answer.body());
        res.status(answer.status())
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length));
        if (replayed) {
            res.header(BankApi.REPLAYED, "true");
        }
        return res.sendByteArray(Mono.just(bytes)).then();
    }

    private <T> T read(byte[] bytes, Class<T> type) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("no body");
        }
        return json.readValue(bytes, type);
    }

    private static AuthorizeBody valid(AuthorizeBody body) {
        if (body.card() == null || body.card().token() == null || body.currency() == null) {
            throw new IllegalArgumentException("card.token and currency are required");
        }
        return body;
    }

    private static RefundBody valid(RefundBody body) {
        if (body.refundId() == null || body.currency() == null) {
            throw new IllegalArgumentException("refundId and currency are required");
        }
        return body;
    }

    private static String id(HttpServerRequest req, String name) {
        return QueryStringDecoder.decodeComponent(req.param(name));
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
