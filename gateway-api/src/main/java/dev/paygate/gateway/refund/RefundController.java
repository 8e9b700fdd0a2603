package dev.paygate.gateway.refund;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CreateRefund;
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
import dev.paygate.support.http.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Refunds (docs/api.md, "Refunds"): create, read, and list a payment's refunds. */
@RestController
class RefundController {

    private static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requestedByCustomer");

    private final CommandBus commands;
    private final PaymentServiceClient reads;
    private final IdempotentRequests idempotent;

    public RefundController(CommandBus commands, PaymentServiceClient reads, IdempotentRequests idempotent) {
        this.commands = commands;
        this.reads = reads;
        this.idempotent = idempotent;
    }

    record CreateRefundRequest(String paymentId, Long amount, String reason, Map<String, String> metadata) {}

    @Idempotent(command = true)
    @Operation(
            tags = "Refunds",
            summary = "Refund a captured payment (all that is left, or `amount`)",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The refund as known within the reply timeout",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema =
                                                @Schema(implementation = dev.paygate.contracts.resource.Refund.class))),
                @ApiResponse(responseCode = "404", description = "No such payment (`resource_missing`).")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiSchemas.CreateRefundRequest.class)))
    @PostMapping("/api2/refunds")
    public Mono<ResponseEntity<String>> create(
            ApiContext api, ServerHttpRequest http, @RequestBody(required = false) String body) {
        return idempotent.run(api, http, body, () -> {
            CreateRefundRequest r = RequestBodies.parse(body, CreateRefundRequest.class);
            if (r.paymentId() == null) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_MISSING, "Missing required parameter: paymentId.", "paymentId");
            }
            if (!Ids.PAYMENT.matches(r.paymentId())) {
                throw new ApiException(
                        org.springframework.http.HttpStatus.NOT_FOUND,
                        ProblemCodes.RESOURCE_MISSING,
                        "No such payment: " + r.paymentId(),
                        "paymentId");
            }
            if (r.amount() != null) {
                Validation.amount(r.amount(), "amount");
            }
            if (r.reason() != null && !REASONS.contains(r.reason())) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_INVALID,
                        "reason must be one of " + new java.util.TreeSet<>(REASONS) + ".",
                        "reason");
            }
            String refundId = Ids.REFUND.next();
            return commands.send(new CreateRefund(
                            Ids.COMMAND.next(),
                            api.merchantId(),
                            refundId,
                            r.paymentId(),
                            r.amount(),
                            r.reason(),
                            Validation.metadata(r.metadata()),
                            null,
                            null))
                    .flatMap(outcome ->
                            Replies.answer(outcome, refundId, () -> reads.refund(refundId, api.merchantId())));
        });
    }

    record ReverseRequest(String reason) {}

    /** Test mode: the bank reverses a succeeded refund (as an acquirer's reversal notice would). */
    @Idempotent(command = true)
    @Operation(
            tags = "Refunds",
            summary = "Test mode: the bank reverses a succeeded refund",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The refund, `failed`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema =
                                                @Schema(implementation = dev.paygate.contracts.resource.Refund.class))),
                @ApiResponse(responseCode = "404", description = "No such refund (`resource_missing`).")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = false,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = ApiSchemas.ReverseRefundRequest.class)))
    @PostMapping("/api2/refunds/{id}/test-reverse")
    public Mono<ResponseEntity<String>> testReverse(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        if (!Ids.REFUND.matches(id)) {
            throw ApiException.notFound("refund", id);
        }
        return idempotent.run(api, http, body, () -> {
            ReverseRequest r = body == null || body.isBlank()
                    ? new ReverseRequest(null)
                    : RequestBodies.parse(body, ReverseRequest.class);
            Validation.text(r.reason(), 500, "reason");
            return reads.refund(id, api.merchantId())
                    .map(json ->
                            PaygateJson.wire().readTree(json).get("paymentId").asString())
                    .flatMap(paymentId -> commands.send(new dev.paygate.contracts.command.ReverseRefund(
                            Ids.COMMAND.next(), api.merchantId(), id, paymentId, r.reason())))
                    .flatMap(outcome -> Replies.answer(outcome, id, () -> reads.refund(id, api.merchantId())));
        });
    }

    @Operation(
            tags = "Refunds",
            summary = "Retrieve a refund",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The refund",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema =
                                                @Schema(implementation = dev.paygate.contracts.resource.Refund.class))),
                @ApiResponse(responseCode = "404", description = "No such refund (`resource_missing`).")
            })
    @GetMapping("/api2/refunds/{id}")
    public Mono<ResponseEntity<String>> get(ApiContext api, @PathVariable String id) {
        if (!Ids.REFUND.matches(id)) {
            throw ApiException.notFound("refund", id);
        }
        return reads.refund(id, api.merchantId()).map(RefundController::json);
    }

    /** Newest first; {@code limit} 1 … 100 (default 10), {@code startingAfter} a refund id of this list. */
    @Operation(
            tags = "Refunds",
            summary = "List a payment's refunds, newest first",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "A page of refunds",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = ApiSchemas.RefundList.class))),
                @ApiResponse(responseCode = "404", description = "No such payment (`resource_missing`).")
            })
    @GetMapping("/api2/payments/{id}/refunds")
    public Mono<ResponseEntity<String>> list(
            ApiContext api,
            @PathVariable String id,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String startingAfter) {
        if (!Ids.PAYMENT.matches(id)) {
            throw ApiException.notFound("payment", id);
        }
        int size = limit(limit);
        if (startingAfter != null && !Ids.REFUND.matches(startingAfter)) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID, "startingAfter must be a refund id.", "startingAfter");
        }
        // the payment must exist for this merchant: another merchant's payment is missing, not empty
        return reads.payment(id, api.merchantId())
                .then(reads.refundsOf(id, api.merchantId(), size, startingAfter))
                .map(RefundController::json);
    }

    private static int limit(String limit) {
        return Paging.limit(limit)
                .orElseThrow(
                        () -> ApiException.badRequest(ProblemCodes.PARAMETER_INVALID, Paging.INVALID_LIMIT, "limit"));
    }

    private static ResponseEntity<String> json(String body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
