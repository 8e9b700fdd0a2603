package dev.paygate.gateway.docs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.paygate.contracts.resource.Payment;
import dev.paygate.contracts.resource.Refund;
import dev.paygate.contracts.resource.Session;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * The shapes the API answers for which the contracts module has no record: they are built by other services (the
 * webhook dispatcher, payment-service's secupay view) or as maps. Schema-only: nothing serializes them; the
 * OpenAPI contract test checks them against the real answers both ways.
 *
 * <p>Nullability follows {@link dev.paygate.gateway.openapi.ApiDocs}: a primitive component is required, any other may be null, and a
 * {@code @JsonInclude(NON_NULL)} one may be absent but never null.
 */
public final class ApiSchemas {

    private ApiSchemas() {}

    @Schema(
            name = "Problem",
            description =
                    "RFC 9457 problem details with Paygate's stable `code` (and `param`, the "
                            + "offending parameter or header, when there is one). A declined card (402) carries the payment as it now is.")
    @JsonPropertyOrder({"type", "title", "status", "detail", "instance", "code", "param", "payment"})
    public record Problem(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "urn:paygate:problem:parameter_invalid")
            String type,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String title,

            int status,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String detail,

            @JsonInclude(JsonInclude.Include.NON_NULL) String instance,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "parameter_invalid")
            String code,

            @JsonInclude(JsonInclude.Include.NON_NULL) String param,
            @JsonInclude(JsonInclude.Include.NON_NULL) Payment payment) {}

    @Schema(name = "Deleted", description = "The answer to a DELETE.")
    public record Deleted(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            boolean deleted) {}

    @Schema(
            name = "Accepted",
            description = "202 before anything is known of the new object: only its id "
                    + "(otherwise a 202 carries the object as last known).")
    public record Accepted(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id) {}

    @Schema(name = "RefundList", description = "A payment's refunds, newest first.")
    public record RefundList(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            List<Refund> data,

            boolean hasMore) {}

    @Schema(
            name = "WebhookEndpoint",
            description = "`secret` only in the answers to create and rotate-secret; "
                    + "`disabledReason` (`requested`, `gone`, `failing`) only while disabled.")
    @JsonPropertyOrder({"id", "url", "enabledEvents", "description", "status", "disabledReason", "created", "secret"})
    public record WebhookEndpoint(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String url,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            List<String> enabledEvents,

            String description,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"enabled", "disabled"})
            String status,

            @JsonInclude(JsonInclude.Include.NON_NULL) String disabledReason,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Instant created,

            @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {}

    @Schema(name = "WebhookEndpointList")
    public record WebhookEndpointList(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            List<WebhookEndpoint> data,

            boolean hasMore) {}

    @Schema(name = "WebhookDelivery", description = "One event to one endpoint, with every attempt, oldest first.")
    @JsonPropertyOrder({
        "id",
        "endpointId",
        "eventId",
        "eventType",
        "status",
        "nextAttemptAt",
        "lastStatusCode",
        "created",
        "updated",
        "attempts"
    })
    public record WebhookDelivery(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String endpointId,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String eventId,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String eventType,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String status,

            Instant nextAttemptAt,
            Integer lastStatusCode,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Instant created,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Instant updated,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            List<WebhookAttempt> attempts) {}

    @Schema(
            name = "WebhookAttempt",
            description = "`statusCode` null when no answer came, `error` why; " + "`responseBody` cut to 16 KiB.")
    @JsonPropertyOrder({"attemptedAt", "statusCode", "latencyMs", "error", "responseBody"})
    public record WebhookAttempt(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Instant attemptedAt,

            Integer statusCode,
            long latencyMs,
            String error,
            String responseBody) {}

    @Schema(name = "WebhookDeliveryList")
    public record WebhookDeliveryList(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            List<WebhookDelivery> data,

            boolean hasMore) {}

    @Schema(name = "RecoverResult", description = "How many failed deliveries since `since` were sent again.")
    public record RecoverResult(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Instant since,

            long recovered) {}

    @Schema(name = "Event", description = "An event exactly as its webhook carries it.")
    @JsonPropertyOrder({"id", "type", "created", "apiVersion", "data"})
    public record Event(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String type,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Instant created,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String apiVersion,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            EventData data) {}

    @Schema(name = "EventData")
    public record EventData(
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    oneOf = {Payment.class, Refund.class, Session.class})
            Object object) {}

    @Schema(name = "EventList")
    public record EventList(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            List<Event> data,

            boolean hasMore) {}

    @Schema(name = "Merchant")
    public record Merchant(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String name) {}

    @Schema(name = "ApiKey", description = "`key` is shown only here.")
    public record ApiKey(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String key) {}

    @Schema(
            name = "SecupayTransaction",
            description = "A payment or refund as a secupay `payment.transactions` "
                    + "object; times ISO-8601 with offset. A refund has `product_id` 479 and a negative amount.")
    @JsonPropertyOrder({
        "object",
        "id",
        "trans_id",
        "related_transactions",
        "product_id",
        "product",
        "product_raw",
        "amount",
        "currency",
        "created",
        "completion_date",
        "updated",
        "description",
        "description_raw",
        "status",
        "status_text",
        "details"
    })
    public record SecupayTransaction(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String object,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @JsonProperty("trans_id") long transId,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("related_transactions")
            List<SecupayRelatedTransaction> relatedTransactions,

            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("product_id")
            Integer productId,

            @JsonInclude(JsonInclude.Include.NON_NULL) String product,

            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("product_raw")
            String productRaw,

            long amount,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String currency,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String created,

            @JsonProperty("completion_date") String completionDate,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String updated,

            String description,
            @JsonProperty("description_raw") String descriptionRaw,
            int status,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("status_text")
            String statusText,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            SecupayDetails details) {}

    @Schema(
            name = "SecupayRelatedTransaction",
            description = "`hierarchy`: `child` (a refund of this payment) or "
                    + "`parent` (the payment this refund belongs to).")
    @JsonPropertyOrder({"object", "id", "hierarchy", "ref_type_id", "ref_type_raw", "trans_id"})
    public record SecupayRelatedTransaction(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String object,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String hierarchy,

            @JsonProperty("ref_type_id") int refTypeId,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("ref_type_raw")
            String refTypeRaw,

            @JsonProperty("trans_id") long transId) {}

    @Schema(name = "SecupayDetails")
    @JsonPropertyOrder({
        "cleared",
        "status",
        "status_text",
        "status_simple",
        "status_simple_text",
        "amount",
        "description",
        "description_raw"
    })
    public record SecupayDetails(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String cleared,

            int status,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("status_text")
            String statusText,

            @JsonProperty("status_simple") int statusSimple,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("status_simple_text")
            String statusSimpleText,

            long amount,
            @JsonInclude(JsonInclude.Include.NON_NULL) String description,

            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("description_raw")
            String descriptionRaw) {}

    // request bodies the gateway passes on to the dispatcher (which parses them strictly)

    @Schema(name = "CreateWebhookEndpointRequest")
    public record CreateWebhookEndpointRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "https://example.com/webhooks")
            String url,

            @Schema(description = "Event types, or `*` for all; default all")
            List<String> enabledEvents,

            String description) {}

    @Schema(
            name = "UpdateWebhookEndpointRequest",
            description = "`disabled: true` disables the endpoint, " + "`false` enables it again.")
    public record UpdateWebhookEndpointRequest(
            String url, List<String> enabledEvents, String description, Boolean disabled) {}

    @Schema(name = "RecoverRequest")
    public record RecoverRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "2026-11-22T05:00:00Z")
            Instant since) {}

    @Schema(name = "ReverseRefundRequest")
    public record ReverseRefundRequest(String reason) {}

    @Schema(name = "CreateRefundRequest")
    public record CreateRefundRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String paymentId,

            @Schema(description = "Default: all that is still refundable")
            Long amount,

            @Schema(allowableValues = {"duplicate", "fraudulent", "requestedByCustomer"})
            String reason,

            java.util.Map<String, String> metadata) {}

    @Schema(
            name = "SecupayCancelRequest",
            description = "No body (or no amount) cancels all that is left; "
                    + "`amount` is the deprecated name of `reduce_amount_by`.")
    public record SecupayCancelRequest(
            @JsonProperty("reduce_amount_by") Long reduceAmountBy, Long amount, String reason) {}

    @Schema(name = "CreateMerchantRequest")
    public record CreateMerchantRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String name) {}
}
