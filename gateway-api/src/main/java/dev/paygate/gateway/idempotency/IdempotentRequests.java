package dev.paygate.gateway.idempotency;

import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CommandReply;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.auth.ApiContext;
import dev.paygate.gateway.command.CommandObserver;
import dev.paygate.gateway.command.Replies;
import dev.paygate.gateway.error.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Honours the {@code Idempotency-Key} header of a POST (docs/api.md, "Conventions"). A controller wraps its work in one
 * call:
 * <pre>{@code
 * return idempotent.run(api, request, body, () -> commands.send(command).flatMap(...));
 * }</pre>
 * <ul>
 *   <li>No key: the work just runs.</li>
 *   <li>A new key: the work runs once. An answer below 500 other than 202 — refusals included — is stored
 *       exactly (status, content type, body) and given again to every retry, marked {@code Idempotent-Replayed:
 *       true}, without running the work again. A 5xx or a failure is not stored: the key is freed and a retry
 *       runs again.</li>
 *   <li>A 202 (the command's outcome came too late) is not stored either: the key stays in use, and a retry
 *       answers 409 {@code idempotency_key_in_use} until the command's reply arrives; {@link LateReplies} then
 *       stores the answer that reply would have given, which every later retry gets (a 5xx reply frees the key).
 *       The instance that answered 202 awaits that reply in memory; if it stops first, the key is abandoned
 *       (below).</li>
 *   <li>The same key with another method, path or body: 422 {@code idempotency_key_reused}.</li>
 *   <li>Keys are per merchant, and kept for {@code paygate.gateway.idempotency-retention}.</li>
 * </ul>
 *
 * <p><b>A key left in use by a gateway that died</b> (its lock — the reply timeout plus a margin — has passed with
 * no answer): the next retry takes it over and runs the request again. Its commands get the same ids as the first
 * run's (derived from the merchant, the key and their order, keyed with the hash key), so a service that applied
 * the first run's command answers again with the reply it gave then (the inbox keeps command ids, the outbox the
 * reply), and one that never got it applies it now: one effect either way, and the retry gets the final answer.
 * The fault suite (docs/reliability.md) kills the gateway mid-load to check this.
 *
 * <p>The work runs to its end even if the caller hangs up, so its answer is stored (or the key freed) all the
 * same: a client that timed out and retries gets the answer, not a key stuck in use.
 */
@Component
public class IdempotentRequests {

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);
    /** Beyond the reply timeout, the time a request may take to put its answer together (a 202 reads the resource). */
    static final Duration LOCK_MARGIN = Duration.ofSeconds(30);

    private static final int CLAIM_ATTEMPTS = 3;

    private final IdempotencyStore store;
    private final LateReplies lateReplies;
    private final Duration lock;

    private final RequestHash requestHash;

    IdempotentRequests(IdempotencyStore store, LateReplies lateReplies, GatewayProperties properties) {
        this.store = store;
        this.lateReplies = lateReplies;
        this.lock = properties.getReplyTimeout().plus(LOCK_MARGIN);
        this.requestHash = new RequestHash(properties.getIdempotencyHashKey());
    }

    /**
     * {@link #run(ApiContext, ServerHttpRequest, String, Supplier, Function)} for an endpoint that answers a
     * command's reply with {@link Replies#toResponse}, as the session endpoints do.
     */
    public Mono<ResponseEntity<String>> run(
            ApiContext api, ServerHttpRequest request, String rawBody, Supplier<Mono<ResponseEntity<String>>> action) {
        return run(api, request, rawBody, action, Replies::toResponse);
    }

    /**
     * Runs {@code action} at most once per idempotency key and answers as described above.
     *
     * @param rawBody     the body exactly as received ({@code null} or empty if none); the key is bound to it
     * @param action      the endpoint's work; called only when it is to run
     * @param finalAnswer how the endpoint turns a command's reply into its answer (may throw {@link ApiException}),
     *                    for a reply that arrives after the 202
     */
    public Mono<ResponseEntity<String>> run(
            ApiContext api,
            ServerHttpRequest request,
            String rawBody,
            Supplier<Mono<ResponseEntity<String>>> action,
            Function<CommandReply, ResponseEntity<String>> finalAnswer) {
        String key = request.getHeaders().getFirst(IdempotencyCodes.KEY_HEADER);
        if (key == null) {
            return Mono.defer(action);
        }
        if (!isValidKey(key)) {
            return Mono.error(ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    "The " + IdempotencyCodes.KEY_HEADER + " header must be 1 to " + IdempotencyCodes.MAX_KEY_LENGTH
                            + " characters.",
                    IdempotencyCodes.KEY_HEADER));
        }
        String path = request.getPath().value();
        Claim claim = new Claim(
                api.merchantId(), key, requestHash.of(request.getMethod().name(), path, rawBody), path, finalAnswer);
        // subscribed apart from the caller and not cancelled with it: the answer is recorded even if the client left
        return Mono.fromFuture(() -> answer(claim, action, 1).toFuture(), true);
    }

    static boolean isValidKey(String key) {
        return !key.isBlank() && key.length() <= IdempotencyCodes.MAX_KEY_LENGTH;
    }

    private Mono<ResponseEntity<String>> answer(
            Claim claim, Supplier<Mono<ResponseEntity<String>>> action, int attempt) {
        return store.claim(claim, lock)
                .flatMap(claimed -> claimed
                        ? runFirst(claim, action)
                        : store.find(claim)
                                .flatMap(row -> answerRetry(claim, row, action))
                                // the row went away between our insert and our read (freed after a 5xx): claim again
                                .switchIfEmpty(Mono.defer(() -> attempt < CLAIM_ATTEMPTS
                                        ? answer(claim, action, attempt + 1)
                                        : Mono.error(inUse(false)))));
    }

    private Mono<ResponseEntity<String>> answerRetry(
            Claim claim, IdempotencyStore.Row row, Supplier<Mono<ResponseEntity<String>>> action) {
        if (!row.requestHash().equals(claim.requestHash())) {
            return Mono.error(new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    IdempotencyCodes.IDEMPOTENCY_KEY_REUSED,
                    "This " + IdempotencyCodes.KEY_HEADER + " was used with another request; use a new key for a new"
                            + " request.",
                    IdempotencyCodes.KEY_HEADER));
        }
        if (row.done()) {
            return Mono.just(row.answer().replay());
        }
        if (!row.lockExpired()) {
            return Mono.error(inUse(false));
        }
        // abandoned: the gateway running it died (or its 202's reply is overdue). Run it again: its commands get the
        // same ids as the first time, so a service that applied one answers with that first reply, and one that
        // never got it applies it now; either way exactly one effect, and this retry gets the final answer.
        return store.takeOver(claim, lock).flatMap(taken -> taken ? runFirst(claim, action) : Mono.error(inUse(false)));
    }

    private static ApiException inUse(boolean abandoned) {
        return new ApiException(
                HttpStatus.CONFLICT,
                IdempotencyCodes.IDEMPOTENCY_KEY_IN_USE,
                abandoned
                        ? "The request first sent with this " + IdempotencyCodes.KEY_HEADER
                                + " did not finish and its outcome"
                                + " is unknown, so it is not run again; look the resource up."
                        : "A request with this " + IdempotencyCodes.KEY_HEADER + " is still in progress; retry later.",
                IdempotencyCodes.KEY_HEADER);
    }

    private Mono<ResponseEntity<String>> runFirst(Claim claim, Supplier<Mono<ResponseEntity<String>>> action) {
        Commands commands = new Commands(claim);
        return Mono.defer(action)
                .contextWrite(context -> context.put(CommandObserver.class, commands))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("the endpoint gave no answer")))
                .onErrorResume(
                        ApiException.class,
                        e -> e.status().is5xxServerError()
                                ? Mono.error(e)
                                : Mono.just(
                                        StoredAnswer.problem(e, claim.path()).toResponse()))
                .onErrorResume(e -> afterFailure(claim, commands, e).then(Mono.error(e)))
                .flatMap(response -> settle(claim, commands, response));
    }

    /** Records the answer the first request gives; a failure to record is logged and the answer still given. */
    private Mono<ResponseEntity<String>> settle(Claim claim, Commands commands, ResponseEntity<String> response) {
        int status = response.getStatusCode().value();
        Mono<?> recorded;
        if (status == HttpStatus.ACCEPTED.value()) {
            // the command still runs: its reply will complete the key, which stays in use until then
            recorded = store.awaitLateReply(claim, commands.last(), lock);
        } else if (status >= 500) {
            return free(claim, commands).thenReturn(response);
        } else {
            commands.forgetAll();
            recorded = store.complete(claim, null, StoredAnswer.of(response));
        }
        return recorded
                // the key stays in use (409) rather than be freed: a retry must not cause a second effect
                .onErrorResume(e -> {
                    log.warn(
                            "answer of an idempotent request of merchant {} could not be recorded: {}",
                            claim.merchantId(),
                            e.toString());
                    return Mono.empty();
                })
                .thenReturn(response);
    }

    /**
     * A refusal (an {@link ApiException}, a 5xx answer from a service's reply included: its outcome is known), or
     * a failure before any command was handed to Kafka, frees the key: a retry runs again. Any other failure after
     * a command was handed over — a send that reported an error, say a delivery timeout — leaves it unknown
     * whether the broker stored the command: freeing the key would let a retry create a second payment or
     * refund, so the key waits for that command's reply instead, as after a 202.
     */
    private Mono<Void> afterFailure(Claim claim, Commands commands, Throwable failure) {
        if (failure instanceof ApiException || commands.last() == null) {
            return free(claim, commands);
        }
        return store.awaitLateReply(claim, commands.last(), lock)
                .onErrorResume(e -> {
                    log.warn(
                            "key of a failed idempotent request of merchant {} could not be kept: {}",
                            claim.merchantId(),
                            e.toString());
                    return Mono.empty();
                })
                .then();
    }

    /** Frees the key so a retry runs again; a failure to do so is logged, the original answer or error stands. */
    private Mono<Void> free(Claim claim, Commands commands) {
        commands.forgetAll();
        return store.release(claim, null)
                .onErrorResume(e -> {
                    log.warn("idempotency key of merchant {} could not be freed: {}", claim.merchantId(), e.toString());
                    return Mono.empty();
                })
                .then();
    }

    /** The commands one request publishes, awaited by {@link LateReplies} from the moment they are published. */
    private final class Commands implements CommandObserver {

        private final Claim claim;
        private final List<String> ids = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger sequence =
                new java.util.concurrent.atomic.AtomicInteger();

        Commands(Claim claim) {
            this.claim = claim;
        }

        @Override
        public String commandId(String proposed) {
            return requestHash.commandId(claim.merchantId(), claim.key(), sequence.getAndIncrement());
        }

        @Override
        public void publishing(String commandId) {
            ids.add(commandId);
            lateReplies.await(commandId, claim);
        }

        /** The command a 202 waits for: the last one published (an endpoint publishes one). */
        String last() {
            return ids.isEmpty() ? null : ids.get(ids.size() - 1);
        }

        void forgetAll() {
            ids.forEach(lateReplies::forget);
        }
    }
}
