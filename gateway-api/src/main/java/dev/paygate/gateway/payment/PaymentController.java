package dev.paygate.gateway.payment;

import dev.paygate.contracts.Ids;
import dev.paygate.contracts.ProblemCodes;
import dev.paygate.contracts.command.CancelPayment;
import dev.paygate.contracts.command.CapturePayment;
import dev.paygate.contracts.command.CompleteThreeDs;
import dev.paygate.contracts.command.ConfirmPayment;
import dev.paygate.contracts.command.CreatePayment;
import dev.paygate.contracts.command.PaymentCommand;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.gateway.auth.ApiContext;
import dev.paygate.gateway.command.CommandBus;
import dev.paygate.gateway.command.Replies;
import dev.paygate.gateway.docs.Idempotent;
import dev.paygate.gateway.error.ApiException;
import dev.paygate.gateway.http.RequestBodies;
import dev.paygate.gateway.http.Validation;
import dev.paygate.gateway.idempotency.IdempotentRequests;
import dev.paygate.gateway.payment.PaymentRequests.CancelRequest;
import dev.paygate.gateway.payment.PaymentRequests.CaptureRequest;
import dev.paygate.gateway.payment.PaymentRequests.ConfirmRequest;
import dev.paygate.gateway.payment.PaymentRequests.CreatePaymentRequest;
import dev.paygate.gateway.payment.PaymentRequests.ThreeDsRequest;
import dev.paygate.gateway.read.PaymentServiceClient;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Payments (docs/api.md, "Payments"): create, read, confirm, capture, cancel, and the test-mode 3-D Secure step. */
@RestController
class PaymentController {

    private static final Set<String> CAPTURE_METHODS = Set.of("automatic", "manual");
    private static final Set<String> CANCELLATION_REASONS =
            Set.of("duplicate", "fraudulent", "requestedByCustomer", "abandoned");
    private static final Set<String> THREE_DS_MODES = Set.of("automatic", "challenge");
    private static final Set<String> FUTURE_USAGE = Set.of("unscheduled", "recurring");

    private final CommandBus commands;
    private final PaymentServiceClient reads;
    private final CardIntake cards;
    private final IdempotentRequests idempotent;

    public PaymentController(
            CommandBus commands, PaymentServiceClient reads, CardIntake cards, IdempotentRequests idempotent) {
        this.commands = commands;
        this.reads = reads;
        this.cards = cards;
        this.idempotent = idempotent;
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Payments",
            summary = "Create a payment (and confirm it with `confirm: true`)",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The payment",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = Payment.class))),
                @ApiResponse(
                        responseCode = "402",
                        description =
                                "The card was declined (`card_declined`); `payment` shows it, now `requiresPaymentMethod` with `lastPaymentError`."),
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
                            schema = @Schema(implementation = PaymentRequests.CreatePaymentRequest.class)))
    @PostMapping("/api2/payments")
    public Mono<ResponseEntity<String>> create(
            ApiContext api, ServerHttpRequest http, @RequestBody(required = false) String body) {
        return idempotent.run(api, http, body, () -> {
            CreatePaymentRequest r = RequestBodies.parse(body, CreatePaymentRequest.class);
            long amount = Validation.amount(r.amount(), "amount");
            String currency = Validation.currency(r.currency());
            String captureMethod = oneOf(
                    r.captureMethod() == null ? "automatic" : r.captureMethod(), CAPTURE_METHODS, "captureMethod");
            Payment.PaymentMethodOptions options =
                    r.paymentMethodOptions() == null || r.paymentMethodOptions().card() == null
                            ? Payment.PaymentMethodOptions.DEFAULT
                            : r.paymentMethodOptions();
            oneOf(options.card().threeDSecureMode(), THREE_DS_MODES, "paymentMethodOptions.card.threeDSecureMode");
            if (r.setupFutureUsage() != null) {
                oneOf(r.setupFutureUsage().category(), FUTURE_USAGE, "setupFutureUsage.category");
            }
            boolean confirm = Boolean.TRUE.equals(r.confirm());
            if (confirm && r.paymentMethod() == null) {
                throw ApiException.badRequest(
                        ProblemCodes.PARAMETER_MISSING, "confirm: true needs a paymentMethod.", "paymentMethod");
            }
            String paymentId = Ids.PAYMENT.next();
            var customer = Validation.customerDetails(r.customerDetails());
            String description = Validation.text(r.description(), 1000, "description");
            String merchantCustomerId = Validation.text(r.merchantCustomerId(), 255, "merchantCustomerId");
            var metadata = Validation.metadata(r.metadata());
            String returnUrl = Validation.url(r.returnUrl(), "returnUrl");
            return cards.tokenize(r.paymentMethod())
                    .map(java.util.Optional::of)
                    .defaultIfEmpty(java.util.Optional.empty())
                    .flatMap(card -> send(
                            api,
                            paymentId,
                            new CreatePayment(
                                    Ids.COMMAND.next(),
                                    api.merchantId(),
                                    paymentId,
                                    Ids.transactionId(),
                                    amount,
                                    currency,
                                    captureMethod,
                                    confirm,
                                    card.orElse(null),
                                    customer,
                                    description,
                                    merchantCustomerId,
                                    metadata,
                                    returnUrl,
                                    options,
                                    r.setupFutureUsage())));
        });
    }

    @Operation(
            tags = "Payments",
            summary = "Retrieve a payment",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The payment",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = Payment.class))),
                @ApiResponse(responseCode = "404", description = "No such payment (`resource_missing`).")
            })
    @GetMapping("/api2/payments/{id}")
    public Mono<ResponseEntity<String>> get(ApiContext api, @PathVariable String id) {
        requirePaymentId(id);
        return reads.payment(id, api.merchantId())
                .map(json -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(json));
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Payments",
            summary = "Confirm a payment, optionally with a card",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The payment",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = Payment.class))),
                @ApiResponse(
                        responseCode = "402",
                        description = "The card was declined (`card_declined`); `payment` shows it."),
                @ApiResponse(responseCode = "404", description = "No such payment (`resource_missing`)."),
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
                            schema = @Schema(implementation = PaymentRequests.ConfirmRequest.class)))
    @PostMapping("/api2/payments/{id}/confirm")
    public Mono<ResponseEntity<String>> confirm(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requirePaymentId(id);
        return idempotent.run(api, http, body, () -> {
            ConfirmRequest r = optionalBody(body, ConfirmRequest.class, new ConfirmRequest(null));
            return cards.tokenize(r.paymentMethod())
                    .map(java.util.Optional::of)
                    .defaultIfEmpty(java.util.Optional.empty())
                    .flatMap(card -> send(
                            api, id, new ConfirmPayment(Ids.COMMAND.next(), api.merchantId(), id, card.orElse(null))));
        });
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Payments",
            summary = "Capture an authorized payment (all, or `amountToCapture`)",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The payment",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = Payment.class))),
                @ApiResponse(responseCode = "404", description = "No such payment (`resource_missing`)."),
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
                            schema = @Schema(implementation = PaymentRequests.CaptureRequest.class)))
    @PostMapping("/api2/payments/{id}/capture")
    public Mono<ResponseEntity<String>> capture(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requirePaymentId(id);
        return idempotent.run(api, http, body, () -> {
            CaptureRequest r = optionalBody(body, CaptureRequest.class, new CaptureRequest(null));
            if (r.amountToCapture() != null) {
                Validation.amount(r.amountToCapture(), "amountToCapture");
            }
            return send(api, id, new CapturePayment(Ids.COMMAND.next(), api.merchantId(), id, r.amountToCapture()));
        });
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Payments",
            summary = "Cancel a payment that is not captured",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The payment, `canceled`",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = Payment.class))),
                @ApiResponse(responseCode = "404", description = "No such payment (`resource_missing`)."),
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
                            schema = @Schema(implementation = PaymentRequests.CancelRequest.class)))
    @PostMapping("/api2/payments/{id}/cancel")
    public Mono<ResponseEntity<String>> cancel(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requirePaymentId(id);
        return idempotent.run(api, http, body, () -> {
            CancelRequest r = optionalBody(body, CancelRequest.class, new CancelRequest(null));
            if (r.cancellationReason() != null) {
                oneOf(r.cancellationReason(), CANCELLATION_REASONS, "cancellationReason");
            }
            return send(api, id, new CancelPayment(Ids.COMMAND.next(), api.merchantId(), id, r.cancellationReason()));
        });
    }

    @Idempotent(command = true)
    @Operation(
            tags = "Payments",
            summary = "Test mode: complete 3-D Secure (`success` or `failure`)",
            responses = {
                @ApiResponse(
                        responseCode = "200",
                        description = "The payment after 3-D Secure",
                        content =
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = Payment.class))),
                @ApiResponse(responseCode = "404", description = "No such payment (`resource_missing`).")
            })
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = PaymentRequests.ThreeDsRequest.class)))
    @PostMapping("/api2/payments/{id}/test-3ds")
    public Mono<ResponseEntity<String>> completeThreeDs(
            ApiContext api,
            ServerHttpRequest http,
            @PathVariable String id,
            @RequestBody(required = false) String body) {
        requirePaymentId(id);
        return idempotent.run(api, http, body, () -> {
            ThreeDsRequest r = RequestBodies.parse(body, ThreeDsRequest.class);
            String result = oneOf(r.result(), Set.of("success", "failure"), "result");
            return send(
                    api, id, new CompleteThreeDs(Ids.COMMAND.next(), api.merchantId(), id, "success".equals(result)));
        });
    }

    private Mono<ResponseEntity<String>> send(ApiContext api, String paymentId, PaymentCommand command) {
        return commands.send(command)
                .flatMap(outcome ->
                        Replies.answer(outcome, paymentId, () -> reads.payment(paymentId, api.merchantId())));
    }

    private static <T> T optionalBody(String body, Class<T> type, T empty) {
        return body == null || body.isBlank() ? empty : RequestBodies.parse(body, type);
    }

    static String oneOf(String value, Set<String> allowed, String param) {
        if (value == null) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_MISSING, "Missing required parameter: " + param + ".", param);
        }
        if (!allowed.contains(value)) {
            throw ApiException.badRequest(
                    ProblemCodes.PARAMETER_INVALID,
                    param + " must be one of " + new java.util.TreeSet<>(allowed) + ".",
                    param);
        }
        return value;
    }

    /** An id that can't be a payment id is answered like a missing payment, without asking anyone. */
    static void requirePaymentId(String id) {
        if (!Ids.PAYMENT.matches(id)) {
            throw ApiException.notFound("payment", id);
        }
    }
}
