package dev.paygate.payment.lifecycle.domain;

/** What can be asked of a payment after it exists. */
enum PaymentOperation {
    CONFIRM,
    CAPTURE,
    CANCEL,
    COMPLETE_3DS,
    /** Lower the authorization (secupay partial cancellation). */
    REDUCE,
    /** Record the bank's answer to an authorization: authorized, declined, or 3-D Secure required. */
    AUTHORIZE
}
