package dev.paygate.acquirer.bank;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paygate.acquirer.Authorization;
import dev.paygate.acquirer.CardToken;
import dev.paygate.acquirer.RefundOutcome;
import dev.paygate.acquirer.RefundRequest;

/**
 * The simulated bank's HTTP API, shared by {@link BankServer} and {@link HttpAcquirer} so both sides agree on it.
 *
 * <pre>
 * POST /v1/authorizations                      AuthorizeBody  -&gt; AuthorizationAnswer
 * POST /v1/authorizations/{id}/captures        AmountBody     -&gt; OperationAnswer (captured)
 * POST /v1/authorizations/{id}/reductions      AmountBody     -&gt; OperationAnswer (reduced)
 * POST /v1/authorizations/{id}/voids           (no body)      -&gt; OperationAnswer (voided)
 * POST /v1/refunds                             RefundBody     -&gt; RefundAnswer
 * GET  /v1/refunds/{reference}                                -&gt; RefundAnswer, 404 if the bank never issued it
 * GET  /v1/ledger[?reference=..][&amp;authorizationId=..]        -&gt; [LedgerEntry]
 * </pre>
 *
 * Every POST carries {@value #IDEMPOTENCY_KEY} (400 without it). A repeated key answers the first outcome again,
 * with {@value #REPLAYED}{@code : true}, and executes nothing; the same key with another request is 422. Business
 * outcomes (a decline, 3-D Secure, a failed refund) are 200s; errors carry an {@link ErrorBody}: 400 a bad request,
 * 404 an unknown path or refund, 422 a reused key, 503 the bank failed (nothing was executed, a retry may succeed).
 */
public final class BankApi {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    public static final String AUTHORIZATIONS = "/v1/authorizations";
    public static final String REFUNDS = "/v1/refunds";
    public static final String LEDGER = "/v1/ledger";
    /** {@code GET}: {@link Stats}, how busy the bank is and was. */
    public static final String STATS = "/v1/stats";

    private BankApi() {}

    /**
     * What the bank is told of a card: the token and what may be shown, never a number or a CVC ({@link CardToken}
     * has neither).
     */
    public record Card(String token, String maskedNumber, int expiryMonth, int expiryYear, String holderName) {

        static Card of(CardToken card) {
            return new Card(
                    card.token(), card.maskedNumber(), card.expiryMonth(), card.expiryYear(), card.holderName());
        }

        CardToken toToken() {
            return new CardToken(token, maskedNumber, expiryMonth, expiryYear, holderName);
        }
    }

    public record AuthorizeBody(Card card, long amount, String currency, boolean threeDsCompleted) {}

    public record AmountBody(long amount) {}

    public record RefundBody(
            String refundId,
            String paymentId,
            String authorizationId,
            String maskedNumber,
            long amount,
            String currency) {

        static RefundBody of(RefundRequest r) {
            return new RefundBody(
                    r.refundId(), r.paymentId(), r.authorizationId(), r.maskedNumber(), r.amount(), r.currency());
        }

        RefundRequest toRequest() {
            return new RefundRequest(refundId, paymentId, authorizationId, maskedNumber, amount, currency);
        }
    }

    /** {@code status}: {@code approved} (with {@code authorizationId}), {@code declined} (with {@code code}, {@code message}) or {@code requires_action}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuthorizationAnswer(String status, String authorizationId, String code, String message) {

        static AuthorizationAnswer of(Authorization a) {
            if (a instanceof Authorization.Approved ok) {
                return new AuthorizationAnswer("approved", ok.authorizationId(), null, null);
            }
            if (a instanceof Authorization.Declined no) {
                return new AuthorizationAnswer("declined", null, no.code(), no.message());
            }
            return new AuthorizationAnswer("requires_action", null, null, null);
        }

        Authorization toAuthorization() {
            return switch (status) {
                case "approved" -> new Authorization.Approved(authorizationId);
                case "declined" -> new Authorization.Declined(code, message);
                case "requires_action" -> new Authorization.RequiresAction();
                default -> throw new IllegalStateException("unknown authorization status " + status);
            };
        }
    }

    /** {@code status}: {@code captured}, {@code reduced} or {@code voided}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OperationAnswer(String status, String authorizationId, Long amount) {}

    /** {@code status}: {@code succeeded}, {@code pending} or {@code failed} (with {@code reason}); {@code reference} is the bank's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RefundAnswer(String status, String reference, String reason) {

        static RefundAnswer of(RefundOutcome o) {
            if (o instanceof RefundOutcome.Failed f) {
                return new RefundAnswer("failed", f.reference(), f.reason());
            }
            return new RefundAnswer(o instanceof RefundOutcome.Pending ? "pending" : "succeeded", o.reference(), null);
        }

        RefundOutcome toOutcome() {
            return switch (status) {
                case "succeeded" -> new RefundOutcome.Succeeded(reference);
                case "pending" -> new RefundOutcome.Pending(reference);
                case "failed" -> new RefundOutcome.Failed(reference, reason);
                default -> throw new IllegalStateException("unknown refund status " + status);
            };
        }
    }

    /** {@code error}: a stable code ({@code idempotency_key_missing}, {@code idempotency_key_reused}, ...). */
    /**
     * @param inFlight    requests the bank is working on now
     * @param maxInFlight the most it worked on at once since it started (or since the last {@code ?reset=true})
     * @param executed    operations in its ledger
     * @param repeats     repeated requests answered with a first outcome
     */
    public record Stats(int inFlight, int maxInFlight, long executed, long repeats) {}

    public record ErrorBody(String error, String message) {}
}
