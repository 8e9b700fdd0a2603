package dev.paygate.gateway.secupay;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.paygate.contracts.Ids;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CancelTransaction;
import dev.paygate.contracts.json.PaygateJson;
import dev.paygate.gateway.auth.ApiContext;
import dev.paygate.gateway.command.CommandBus;
import dev.paygate.gateway.command.Replies;
import dev.paygate.gateway.docs.ApiSchemas;
import dev.paygate.gateway.docs.Idempotent;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.http.RequestBodies;
import dev.paygate.gateway.http.Validation;
import dev.paygate.gateway.idempotency.IdempotentRequests;
import dev.paygate.gateway.read.PaymentServiceClient;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The secupay-compatible transaction API (docs/secupay.md) on the same payments and refunds as {@code /api2}: one
 * cancel call that lowers, cancels or refunds, whatever the payment's state. The gateway only checks the request;
 * payment-service decides, so a capture racing the call can't make it choose wrongly.
 */
@RestController
class TransactionController {

    /**
     * secupay's rule for {@code reason} (docs/secupay.md): up to 100 of A-Z, a-z, 0-9, space and {@code .,+-:?()/'}.
     */
    static final Pattern REASON = Pattern.compile("^[A-Za-z0-9 .,+\\-:?()/']{0,100}$");

    private final CommandBus commands;
    private final PaymentServiceClient reads;
    private final IdempotentRequests idempotent;

    public TransactionController(CommandBus commands, PaymentServiceClient reads, IdempotentRequests idempotent) {
        this.commands = commands;
        this.reads = reads;
        this.idempotent = idempotent;
    }

    /** {@code amount} is the deprecated name of {@code reduce_amount_by}. */
    record CancelRequest(@JsonProperty("reduce_amount_by") Long reduceAmountBy, Long amount, String reason) {}

    @Idempotent(command = true)
    @Operation(
            tags = "secupay transactions",
            summary = "Cancel, lower or refund a transaction, whatever its state",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The original transaction, then the refund the call made (if it made one)",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        array =
                                                @ArraySchema(
                                                        schema =
                                                                @Schema(
                                                                        implementation =
                                                                                ApiSchemas.SecupayTransaction.class)))),
                @ApiResponse(responseCode = "404", description = "No such transaction (`resource_missing`)."),
                @ApiResponse(
                        responseCode = "502",
                        description =
                                "The bank is unreachable (`acquirer_unavailable`) or refused the request (`acquirer_refused`); nothing changed.")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiSchemas.SecupayCancelRequest.class)))
    @PostMapping("/api/v2/Payment/Transactions/{id}/cancel")
    public Mono<ResponseEntity<String>> cancel(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requireTransactionId(id);
        return idempotent.run(api, http, body, () -> {
            CancelRequest r = body == null || body.isBlank()
                    ? new CancelRequest(null, null, null)
                    : RequestBodies.parse(body, CancelRequest.class);
            if (r.reduceAmountBy() != null && r.amount() != null) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_INVALID,
                        "amount is the deprecated name of reduce_amount_by; give only one of them.",
                        "amount");
            }
            Long by = r.reduceAmountBy() != null ? r.reduceAmountBy() : r.amount();
            if (by != null) {
                Validation.amount(by, r.reduceAmountBy() != null ? "reduce_amount_by" : "amount");
            }
            if (r.reason() != null && !REASON.matcher(r.reason()).matches()) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_INVALID,
                        "reason allows up to 100 characters of " + "A-Z, a-z, 0-9, space and .,+-:?()/'",
                        "reason");
            }
            return reads.transactionOwner(id, api.merchantId())
                    .map(owner -> PaygateJson.wire().readTree(owner))
                    .flatMap(owner -> {
                        if (!"payment".equals(owner.get("kind").asString())) {
                            return Mono.error(new ApiException(
                                    HttpStatus.CONFLICT,
                                    ProblemCodes.PAYMENT_INVALID_STATUS,
                                    "Transaction " + id + " is a refund; only a payment transaction can be cancelled.",
                                    "id"));
                        }
                        return commands.send(new CancelTransaction(
                                Ids.COMMAND.next(),
                                api.merchantId(),
                                owner.get("paymentId").asString(),
                                id,
                                by,
                                r.reason(),
                                Ids.REFUND.next()));
                    })
                    // late: the original as last known, in the answer's array shape
                    .flatMap(outcome -> Replies.answer(
                            outcome,
                            id,
                            () -> reads.transaction(id, api.merchantId()).map(t -> "[" + t + "]")));
        });
    }

    @Operation(
            tags = "secupay transactions",
            summary = "Retrieve a transaction (payment or refund)",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The transaction",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.SecupayTransaction.class))),
                @ApiResponse(responseCode = "404", description = "No such transaction (`resource_missing`).")
            })
    @GetMapping("/api/v2/Payment/Transactions/{id}")
    public Mono<ResponseEntity<String>> get(ApiContext api, @PathVariable String id) {
        requireTransactionId(id);
        return reads.transaction(id, api.merchantId())
                .map(t -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(t));
    }

    /** Only {@code PCI_} ids here; a {@code p_} id is another API's (and the reverse holds there). */
    private static void requireTransactionId(String id) {
        if (!Ids.isTransactionId(id)) {
            throw ApiException.notFound("transaction", id);
        }
    }
}
