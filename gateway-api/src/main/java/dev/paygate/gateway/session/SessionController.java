package dev.paygate.gateway.session;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.command.ExpireSession;
import dev.paygate.gateway.auth.ApiContext;
import dev.paygate.gateway.command.CommandBus;
import dev.paygate.gateway.command.Replies;
import dev.paygate.gateway.docs.Idempotent;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.http.RequestBodies;
import dev.paygate.gateway.idempotency.IdempotentRequests;
import dev.paygate.gateway.read.PaymentServiceClient;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Hosted payment sessions (docs/api.md, "Sessions"): create, read, expire. */
@RestController
class SessionController {

    private final CommandBus commands;
    private final PaymentServiceClient payments;
    private final SessionRequestValidator validator;
    private final IdempotentRequests idempotent;

    public SessionController(
            CommandBus commands,
            PaymentServiceClient payments,
            SessionRequestValidator validator,
            IdempotentRequests idempotent) {
        this.commands = commands;
        this.payments = payments;
        this.validator = validator;
        this.idempotent = idempotent;
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Sessions",
            summary = "Create a hosted payment session",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The session",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema =
                                                @Schema(implementation = dev.paygate.contracts.resource.Session.class)))
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = CreateSessionRequest.class)))
    @PostMapping("/api2/sessions")
    public Mono<ResponseEntity<String>> create(
            ApiContext api, ServerHttpRequest http, @RequestBody(required = false) String body) {
        return idempotent.run(api, http, body, () -> {
            CreateSessionRequest request = RequestBodies.parse(body, CreateSessionRequest.class);
            // the gateway assigns the id, so the command is keyed from the start and a 202 can name it
            String sessionId = Ids.SESSION.next();
            var command = validator.toCommand(request, Ids.COMMAND.next(), api.merchantId(), sessionId);
            return commands.send(command)
                    .flatMap(outcome ->
                            Replies.answer(outcome, sessionId, () -> payments.session(sessionId, api.merchantId())));
        });
    }

    @Operation(
            tags = "Sessions",
            summary = "Retrieve a session",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The session",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema =
                                                @Schema(
                                                        implementation =
                                                                dev.paygate.contracts.resource.Session.class))),
                @ApiResponse(responseCode = "404", description = "No such session (`resource_missing`).")
            })
    @GetMapping("/api2/sessions/{id}")
    public Mono<ResponseEntity<String>> get(ApiContext api, @PathVariable String id) {
        requireSessionId(id);
        return payments.session(id, api.merchantId())
                .map(json -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(json));
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Sessions",
            summary = "Expire an open session",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The session, `expired`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema =
                                                @Schema(
                                                        implementation =
                                                                dev.paygate.contracts.resource.Session.class))),
                @ApiResponse(responseCode = "404", description = "No such session (`resource_missing`).")
            })
    @PostMapping("/api2/sessions/{id}/expire")
    public Mono<ResponseEntity<String>> expire(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        // an id that can't exist is refused before the key is looked at: there is nothing to be idempotent about
        requireSessionId(id);
        return idempotent.run(api, http, body, () -> {
            if (body != null && !body.isBlank()) {
                RequestBodies.parse(body, NoParameters.class);
            }
            return commands.send(new ExpireSession(Ids.COMMAND.next(), api.merchantId(), id))
                    .flatMap(outcome -> Replies.answer(outcome, id, () -> payments.session(id, api.merchantId())));
        });
    }

    /** An id that can't be a session id is answered like a missing session, without asking anyone. */
    private static void requireSessionId(String id) {
        if (!Ids.SESSION.matches(id)) {
            throw ApiException.notFound("session", id);
        }
    }

    /** Expire takes no parameters: any field in a body is unknown. */
    record NoParameters() {}
}
