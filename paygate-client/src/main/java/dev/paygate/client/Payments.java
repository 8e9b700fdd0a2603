package dev.paygate.client;

import dev.paygate.client.api.PaymentsApi;
import dev.paygate.client.model.CancelRequest;
import dev.paygate.client.model.CaptureRequest;
import dev.paygate.client.model.ConfirmRequest;
import dev.paygate.client.model.CreatePaymentRequest;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.ThreeDsRequest;

/** {@code /api2/payments}: every write keyed and retried safely (see {@link RetryPolicy}). */
public final class Payments {

    private final Calls calls;
    private final PaymentsApi api;
    private final String version;

    Payments(Calls calls, PaymentsApi api, String version) {
        this.calls = calls;
        this.api = api;
        this.version = version;
    }

    public Outcome<Payment> create(CreatePaymentRequest request) {
        return create(request, null);
    }

    /** With your own {@code Idempotency-Key} (your order's id, say), kept 24 hours by Paygate. */
    public Outcome<Payment> create(CreatePaymentRequest request, String idempotencyKey) {
        return calls.write(
                "POST /api2/payments", idempotencyKey, key -> api.paymentCreateWithHttpInfo(request, version, key));
    }

    public Payment get(String id) {
        return calls.read("GET /api2/payments/" + id, key -> api.paymentGetWithHttpInfo(id, version));
    }

    public Outcome<Payment> confirm(String id, ConfirmRequest request) {
        return calls.write(
                "POST /api2/payments/" + id + "/confirm",
                null,
                key -> api.paymentConfirmWithHttpInfo(id, version, key, request));
    }

    /** Captures {@code amountToCapture}, or all that is capturable without it. */
    public Outcome<Payment> capture(String id, CaptureRequest request) {
        return calls.write(
                "POST /api2/payments/" + id + "/capture",
                null,
                key -> api.paymentCaptureWithHttpInfo(id, version, key, request));
    }

    /** Cancels (voids) a payment before capture, releasing what it reserved. */
    public Outcome<Payment> cancel(String id, CancelRequest request) {
        return calls.write(
                "POST /api2/payments/" + id + "/cancel",
                null,
                key -> api.paymentCancelWithHttpInfo(id, version, key, request));
    }

    /** Test mode: completes or fails a payment's 3-D Secure authentication. */
    public Outcome<Payment> testThreeDs(String id, ThreeDsRequest request) {
        return calls.write(
                "POST /api2/payments/" + id + "/test-3ds",
                null,
                key -> api.paymentCompleteThreeDsWithHttpInfo(id, request, version, key));
    }
}
