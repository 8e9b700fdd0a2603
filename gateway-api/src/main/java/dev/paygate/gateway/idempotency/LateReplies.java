package dev.paygate.gateway.idempotency;

import dev.paygate.contracts.command.CommandReply;
import dev.paygate.gateway.GatewayProperties;
import dev.paygate.gateway.command.LateReplyListener;
import dev.paygate.gateway.error.ApiException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Completes idempotency keys whose request answered 202 when their command's reply finally arrives (docs/api.md,
 * "Conventions": after a 202 the key answers 409 until the change has finished, then its final answer). Only commands
 * this instance published under a key are awaited, kept in a bounded, expiring local set, so the replies of other
 * instances and of commands without a key never touch the database. A command is awaited from the moment it is
 * published, not from the 202: its reply may come while the 202 is still being put together, and is then recorded all
 * the same.
 */
@Component
class LateReplies implements LateReplyListener {

    private static final Logger log = LoggerFactory.getLogger(LateReplies.class);
    /** A gateway under heavy load with a slow service may have this many 202s outstanding; older ones are dropped. */
    static final int MAX_AWAITED = 10_000;

    private final IdempotencyStore store;
    private final RecentCommands<Claim> awaited;
    private final Duration window;

    LateReplies(IdempotencyStore store, GatewayProperties properties, Clock clock) {
        this.store = store;
        // a key lives no longer than the retention, so no reply needs awaiting longer
        this.window = properties.getIdempotencyRetention();
        this.awaited = new RecentCommands<>(MAX_AWAITED, window, clock);
    }

    /** How long a late reply is awaited; an unanswered key stays {@code in_flight} that long. */
    Duration window() {
        return window;
    }

    void await(String commandId, Claim claim) {
        awaited.put(commandId, claim);
    }

    /** The request has its answer (or failed): a reply that still comes is not wanted. */
    void forget(String commandId) {
        awaited.remove(commandId);
    }

    @Override
    public boolean awaits(String commandId) {
        return awaited.contains(commandId);
    }

    @Override
    public void onLateReply(CommandReply reply) {
        Claim claim = awaited.remove(reply.commandId());
        if (claim == null) {
            return;
        }
        record(claim, reply)
                .subscribe(
                        recorded -> log.debug("late reply to command {} recorded: {}", reply.commandId(), recorded),
                        // the key stays in_flight (409) until the purge: no second effect, but the merchant must look
                        // it up
                        e -> log.warn(
                                "late reply to command {} of merchant {} could not be recorded: {}",
                                reply.commandId(),
                                claim.merchantId(),
                                e.toString()));
    }

    /** The answer the request would have given had the reply come in time; a 5xx frees the key instead. */
    Mono<Boolean> record(Claim claim, CommandReply reply) {
        StoredAnswer answer;
        try {
            ResponseEntity<String> response = claim.finalAnswer().apply(reply);
            answer = StoredAnswer.of(response);
        } catch (ApiException e) {
            answer = StoredAnswer.problem(e, claim.path());
        }
        return answer.status() >= 500 || answer.status() == 202
                ? store.release(claim, reply.commandId())
                : store.complete(claim, reply.commandId(), answer);
    }
}
