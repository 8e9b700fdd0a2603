package dev.paygate.acquirer.bank;

import dev.paygate.acquirer.Acquirer;
import dev.paygate.acquirer.AcquirerUnavailableException;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;
import dev.paygate.acquirer.bank.BankApi.AmountBody;
import dev.paygate.acquirer.bank.BankApi.AuthorizationAnswer;
import dev.paygate.acquirer.bank.BankApi.AuthorizeBody;
import dev.paygate.acquirer.bank.BankApi.ErrorBody;
import dev.paygate.acquirer.bank.BankApi.OperationAnswer;
import dev.paygate.acquirer.bank.BankApi.RefundAnswer;
import dev.paygate.acquirer.bank.BankApi.RefundBody;
import dev.paygate.contracts.json.PaygateJson;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link Acquirer} port over HTTP, to a bank speaking {@link BankApi} (the simulated {@link BankServer}).
 *
 * <p>Every call answers within {@link Settings#timeout()} or fails with {@link AcquirerUnavailableException}: a
 * refused connection, no answer in time, a broken answer or a 5xx all mean nothing is known to have happened. A 4xx
 * (a request this adapter should not have sent) is a {@link BankRefusedException}.
 *
 * <p>Every POST carries an {@code Idempotency-Key}, so retrying a call that timed out never executes it twice at the
 * bank; the retry is answered the first outcome. The keys:
 * <ul>
 *   <li>authorize: the caller's {@code reference}; after 3-D Secure ({@code threeDsCompleted}) {@code reference + ":3ds"},
 *       because that is a second, different authorization request for the same payment (the first was answered
 *       {@code requires_action});</li>
 *   <li>capture, reduceAuthorization, voidAuthorization: the port gives no reference, so {@code authorizationId + ":capture"},
 *       {@code ":reduction"} or {@code ":void"}. This holds because each happens at most once per authorization (a
 *       capture takes the amount and releases the rest; a payment is reduced once; a void releases it all). A
 *       second, different capture or reduction of one authorization would be refused (422, a
 *       {@link BankRefusedException}), and an identical one answered from the first without executing;</li>
 *   <li>refund: the refund's id.</li>
 * </ul>
 *
 * <p>It pools its connections ({@link Settings#maxConnections()}, waiting at most
 * {@link Settings#pendingAcquireTimeout()} for one); {@link #close()} releases them.
 */
public final class HttpAcquirer implements Acquirer, AutoCloseable {

    /**
     * @param baseUrl               e.g. {@code http://127.0.0.1:8089}
     * @param timeout               the most any call takes, connecting included
     * @param maxConnections        the pool's size: at most this many calls in flight, the rest wait
     * @param pendingAcquireTimeout how long a call waits for a pooled connection before it fails as unavailable
     * @param maxPendingAcquires    how many calls may wait for a connection; beyond that a call fails as unavailable
     *                              at once; -1 for no limit (the wait is still bounded by the timeouts). Reactor
     *                              Netty's own default, 2 x maxConnections, would refuse a burst a bigger queue absorbs
     */
    public record Settings(
            String baseUrl,
            Duration timeout,
            int maxConnections,
            Duration pendingAcquireTimeout,
            int maxPendingAcquires) {

        /** A 2 s timeout and 500 connections, each waited for at most the timeout by any number of calls. */
        public static Settings of(String baseUrl) {
            return new Settings(baseUrl, Duration.ofSeconds(2), 500, Duration.ofSeconds(2), -1);
        }

        public Settings withTimeout(Duration newTimeout) {
            return new Settings(baseUrl, newTimeout, maxConnections, pendingAcquireTimeout, maxPendingAcquires);
        }

        public Settings withMaxConnections(int max) {
            return new Settings(baseUrl, timeout, max, pendingAcquireTimeout, maxPendingAcquires);
        }

        public Settings withPending(Duration acquireTimeout, int maxPending) {
            return new Settings(baseUrl, timeout, maxConnections, acquireTimeout, maxPending);
        }
    }

    private final Settings settings;
    private final ConnectionProvider connections;
    private final HttpClient client;
    private final JsonMapper json = PaygateJson.wire();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final AtomicLong connectionsReused = new AtomicLong();
    private final AtomicLong connectionsReleased = new AtomicLong();

    public HttpAcquirer(Settings settings) {
        this.settings = settings;
        this.connections = ConnectionProvider.builder("paygate-bank")
                .maxConnections(settings.maxConnections())
                .pendingAcquireTimeout(settings.pendingAcquireTimeout())
                .pendingAcquireMaxCount(settings.maxPendingAcquires())
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        this.client = HttpClient.create(connections)
                .baseUrl(settings.baseUrl())
                .responseTimeout(settings.timeout())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.max(1, settings.timeout().toMillis()))
                // CONNECTED once per new connection, ACQUIRED each time a pooled one is taken again (doOnConnected
                // would count both)
                .observe((connection, state) -> {
                    if (state == ConnectionObserver.State.CONNECTED) {
                        connectionsOpened.incrementAndGet();
                    } else if (state == ConnectionObserver.State.ACQUIRED) {
                        connectionsReused.incrementAndGet();
                    } else if (state == ConnectionObserver.State.RELEASED) {
                        connectionsReleased.incrementAndGet();
                    }
                });
    }

    @Override
    public Mono<Authorization> authorize(
            String reference, CardToken card, long amount, String currency, boolean threeDsCompleted) {
        String key = threeDsCompleted ? reference + ":3ds" : reference;
        return post(
                        BankApi.AUTHORIZATIONS,
                        key,
                        new AuthorizeBody(BankApi.Card.of(card), amount, currency, threeDsCompleted),
                        AuthorizationAnswer.class)
                .map(AuthorizationAnswer::toAuthorization);
    }

    @Override
    public Mono<Void> capture(String authorizationId, long amount) {
        return post(
                        onAuthorization(authorizationId, "captures"),
                        authorizationId + ":capture",
                        new AmountBody(amount),
                        OperationAnswer.class)
                .then();
    }

    @Override
    public Mono<Void> reduceAuthorization(String authorizationId, long amount) {
        return post(
                        onAuthorization(authorizationId, "reductions"),
                        authorizationId + ":reduction",
                        new AmountBody(amount),
                        OperationAnswer.class)
                .then();
    }

    @Override
    public Mono<Void> voidAuthorization(String authorizationId) {
        return post(onAuthorization(authorizationId, "voids"), authorizationId + ":void", null, OperationAnswer.class)
                .then();
    }

    @Override
    public Mono<RefundOutcome> refund(RefundRequest refund) {
        return post(BankApi.REFUNDS, refund.refundId(), RefundBody.of(refund), RefundAnswer.class)
                .map(RefundAnswer::toOutcome);
    }

    @Override
    public Mono<RefundOutcome> refundStatus(String reference) {
        return call(client.get()
                        .uri(BankApi.REFUNDS + "/" + encode(reference))
                        .responseSingle((res, body) -> body.asByteArray()
                                .defaultIfEmpty(new byte[0])
                                .map(bytes -> decode(res, bytes, RefundAnswer.class))))
                .map(RefundAnswer::toOutcome);
    }

    /** How many connections this adapter has opened so far. */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    /** How many calls went over a connection taken from the pool rather than opened for them. */
    public long connectionsReused() {
        return connectionsReused.get();
    }

    /**
     * How many times a connection went back to the pool. A caller has its answer a moment before that, so a call made
     * right after may find none idle and open another; tests wait for this to catch up.
     */
    long connectionsReleased() {
        return connectionsReleased.get();
    }

    @Override
    public void close() {
        connections.disposeLater().block(Duration.ofSeconds(5));
    }

    private <T> Mono<T> post(String path, String idempotencyKey, Object body, Class<T> answer) {
        byte[] bytes = body == null ? new byte[0] : json.writeValueAsBytes(body);
        return call(client.post()
                .uri(path)
                .send((req, out) -> {
                    req.header(BankApi.IDEMPOTENCY_KEY, idempotencyKey)
                            .header(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    return out.sendByteArray(Mono.just(bytes));
                })
                .responseSingle((res, content) ->
                        content.asByteArray().defaultIfEmpty(new byte[0]).map(b -> decode(res, b, answer))));
    }

    /** The port's promise: an answer within the timeout, or unavailable. */
    private <T> Mono<T> call(Mono<T> exchange) {
        return exchange.timeout(settings.timeout())
                .onErrorMap(
                        e -> !(e instanceof BankRefusedException) && !(e instanceof AcquirerUnavailableException),
                        e -> new AcquirerUnavailableException(
                                "The bank at " + settings.baseUrl() + " did not answer within " + settings.timeout()
                                        + " (" + e + ").",
                                e));
    }

    private <T> T decode(HttpClientResponse res, byte[] bytes, Class<T> type) {
        int status = res.status().code();
        if (status >= 200 && status < 300) {
            return json.readValue(bytes, type);
        }
        if (status >= 400 && status < 500) {
            ErrorBody error =
                    bytes.length == 0 ? new ErrorBody("http_" + status, "") : json.readValue(bytes, ErrorBody.class);
            throw new BankRefusedException(status, error.error(), error.message());
        }
        throw new AcquirerUnavailableException("The bank at " + settings.baseUrl() + " answered " + status + ": "
                + new String(bytes, StandardCharsets.UTF_8));
    }

    private static String onAuthorization(String authorizationId, String operation) {
        return BankApi.AUTHORIZATIONS + "/" + encode(authorizationId) + "/" + operation;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
