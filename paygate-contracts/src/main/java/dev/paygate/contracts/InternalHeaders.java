package dev.paygate.contracts;

/** Headers of the services' internal APIs (never exposed publicly), which the gateway and the services call. */
public final class InternalHeaders {

    /** The merchant a request is made for, as the gateway authenticated it; another merchant's resource is a 404. */
    public static final String MERCHANT_HEADER = "X-Paygate-Merchant";

    private InternalHeaders() {}
}
