package dev.paygate.gateway.command;

import dev.paygate.contracts.command.CommandReply;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.gateway.error.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Turns a command's reply into the HTTP answer. */
public final class Replies {

    private Replies() {}

    /**
     * 200 with the resource, or the service's refusal as problem+json; a refusal that carries the payment as it
     * now is (a declined card, 402) shows it under {@code payment}, as Stripe shows the payment intent.
     */
    public static ResponseEntity<String> toResponse(CommandReply reply) {
        if (reply.isOk()) {
            return ResponseEntity.status(reply.status())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(PaygateJson.wire().writeValueAsString(reply.resource()));
        }
        ApiException refusal =
                new ApiException(HttpStatus.valueOf(reply.status()), reply.code(), reply.detail(), reply.param());
        if (reply.resource() != null) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "urn:paygate:problem:" + reply.code());
            problem.put("title", refusal.status().getReasonPhrase());
            problem.put("status", reply.status());
            problem.put("detail", reply.detail());
            problem.put("code", reply.code());
            problem.put("payment", reply.resource());
            return ResponseEntity.status(reply.status())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(PaygateJson.wire().writeValueAsString(problem));
        }
        throw refusal;
    }

    /**
     * The answer to a command's outcome: its reply, or — when the reply is late — 202 with the resource as its owner
     * knows it now, or at least its {@code id} when it can't be read yet (docs/api.md, "Conventions").
     */
    public static reactor.core.publisher.Mono<ResponseEntity<String>> answer(
            CommandBus.Outcome outcome,
            String id,
            java.util.function.Supplier<reactor.core.publisher.Mono<String>> lastKnown) {
        if (outcome.known()) {
            return reactor.core.publisher.Mono.just(toResponse(outcome.reply()));
        }
        return lastKnown
                .get()
                .onErrorResume(
                        ApiException.class,
                        e -> reactor.core.publisher.Mono.just(PaygateJson.wire().writeValueAsString(Map.of("id", id))))
                .map(Replies::accepted);
    }

    /** 202: the change was accepted, its outcome not yet known; the body is the resource as last known. */
    public static ResponseEntity<String> accepted(String lastKnownJson) {
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .contentType(MediaType.APPLICATION_JSON)
                .body(lastKnownJson);
    }
}
