package dev.paygate.client;

import dev.paygate.client.api.RefundsApi;
import dev.paygate.client.model.CreateRefundRequest;
import dev.paygate.client.model.Refund;
import dev.paygate.client.model.RefundList;
import dev.paygate.client.model.ReverseRefundRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/** {@code /api2/refunds}: every write keyed and retried safely (see {@link RetryPolicy}). */
public final class Refunds {

    private final Calls calls;
    private final RefundsApi api;
    private final String version;

    Refunds(Calls calls, RefundsApi api, String version) {
        this.calls = calls;
        this.api = api;
        this.version = version;
    }

    /** Refunds {@code amount} of a succeeded payment, or all that is left of it without one. */
    public Outcome<Refund> create(CreateRefundRequest request) {
        return create(request, null);
    }

    public Outcome<Refund> create(CreateRefundRequest request, String idempotencyKey) {
        return calls.write(
                "POST /api2/refunds", idempotencyKey, key -> api.refundCreateWithHttpInfo(request, version, key));
    }

    /** Test mode: the bank reverses a succeeded refund (it becomes {@code failed}, its amount refundable again). */
    public Outcome<Refund> testReverse(String id, ReverseRefundRequest request) {
        return calls.write(
                "POST /api2/refunds/" + id + "/test-reverse",
                null,
                key -> api.refundTestReverseWithHttpInfo(id, version, key, request));
    }

    public Refund get(String id) {
        return calls.read("GET /api2/refunds/" + id, key -> api.refundGetWithHttpInfo(id, version));
    }

    /** A payment's refunds, newest first, fetched a page of {@code pageSize} (1 … 100) at a time as it is read. */
    public Stream<Refund> list(String paymentId, int pageSize) {
        String limit = Integer.toString(pageSize);
        return Paging.stream(
                startingAfter -> {
                    RefundList page = calls.read(
                            "GET /api2/payments/" + paymentId + "/refunds",
                            key -> api.refundListWithHttpInfo(paymentId, limit, startingAfter, version));
                    return new Paging.Page<>(page.getData(), Boolean.TRUE.equals(page.getHasMore()));
                },
                Refund::getId);
    }

    /** All of a payment's refunds, newest first. */
    public Stream<Refund> list(String paymentId) {
        return list(paymentId, 100);
    }

    /**
     * The refund once it is no longer {@code pending} (the bank may keep it so for a while): read again with backoff
     * until it is {@code succeeded} or {@code failed}.
     *
     * @throws PaygateException it was still pending after {@code timeout}
     */
    public Refund awaitSettled(String id, Duration timeout) {
        return calls.poll(
                timeout,
                false,
                PaygateException.stillPending("GET /api2/refunds/" + id, null, timeout),
                () -> Optional.of(get(id)).filter(refund -> !"pending".equals(refund.getStatus())));
    }
}
