package dev.paygate.gateway.payment;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.gateway.auth.ApiContext;
import dev.paygate.gateway.command.Replies;
import dev.paygate.gateway.docs.Idempotent;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.http.RequestBodies;
import dev.paygate.gateway.idempotency.IdempotentRequests;
import dev.paygate.gateway.payment.PaymentRequests.PaySessionRequest;
import dev.paygate.gateway.read.PaymentServiceClient;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api2/sessions/{id}/pay}: the hosted page's test API. Pays the session with a test card; the
 * answer is the session, {@code completed} and {@code paid} when the bank authorized the payment.
 */
@RestController
class SessionPayController {

    private final SessionPayer payer;
    private final PaymentServiceClient reads;
    private final IdempotentRequests idempotent;

    public SessionPayController(SessionPayer payer, PaymentServiceClient reads, IdempotentRequests idempotent) {
        this.payer = payer;
        this.reads = reads;
        this.idempotent = idempotent;
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Sessions",
            summary = "Test mode: pay a session with a card, as the hosted page does",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The session, `completed` and `paid`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema =
                                                @Schema(
                                                        implementation =
                                                                dev.paygate.contracts.resource.Session.class))),
                @ApiResponse(
                        responseCode = "402",
                        description =
                                "The card was declined (`card_declined`) or needs 3-D Secure (`authentication_required`); `payment` shows the payment."),
                @ApiResponse(responseCode = "404", description = "No such session (`resource_missing`)."),
                @ApiResponse(
                        responseCode = "502",
                        description =
                                "The bank is unreachable (`acquirer_unavailable`) or refused the request (`acquirer_refused`); nothing changed.")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = PaymentRequests.PaySessionRequest.class)))
    @PostMapping("/api2/sessions/{id}/pay")
    public Mono<ResponseEntity<String>> pay(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        if (!Ids.SESSION.matches(id)) {
            throw ApiException.notFound("session", id);
        }
        return idempotent.run(api, http, body, () -> payOnce(api, id, body));
    }

    private Mono<ResponseEntity<String>> payOnce(ApiContext api, String id, String body) {
        PaySessionRequest r = RequestBodies.parse(body, PaySessionRequest.class);
        if (r.paymentMethod() == null) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_MISSING, "Missing required parameter: paymentMethod.", "paymentMethod");
        }
        return payer.pay(api.merchantId(), id, r.paymentMethod())
                .flatMap(outcome -> Replies.answer(outcome, id, () -> reads.session(id, api.merchantId())));
    }
}
