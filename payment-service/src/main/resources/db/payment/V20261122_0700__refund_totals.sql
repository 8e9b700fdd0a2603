-- Which refunds payment-service has counted into payments.amount_refunded (succeeded ones), learned from
-- the refund state-change topic; the refund's version makes a stale event change nothing.
CREATE TABLE refund_totals (
    refund_id      TEXT    PRIMARY KEY,
    payment_id     TEXT    NOT NULL REFERENCES payments (id),
    amount         BIGINT  NOT NULL CHECK (amount > 0),
    counted        BOOLEAN NOT NULL,
    refund_version BIGINT  NOT NULL
);
