-- What refund-service knows of each payment it may refund: learned from the payment state-change topic,
-- or asked of payment-service. refund_reserved is the sum of pending and succeeded refunds.
CREATE TABLE payments (
    payment_id      TEXT    PRIMARY KEY,
    merchant_id     TEXT    NOT NULL,
    currency        TEXT    NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status          TEXT    NOT NULL,
    amount_received BIGINT  NOT NULL CHECK (amount_received >= 0),
    refund_reserved BIGINT  NOT NULL DEFAULT 0,
    masked_number   TEXT,
    payment_version BIGINT  NOT NULL,
    -- the money invariant, in the database: never more refunded (pending + succeeded) than received
    CHECK (refund_reserved >= 0 AND refund_reserved <= amount_received)
);

CREATE TABLE refunds (
    id             TEXT        PRIMARY KEY,
    -- insertion order: "newest first" even for refunds created in the same second
    seq            BIGSERIAL   NOT NULL UNIQUE,
    payment_id     TEXT        NOT NULL REFERENCES payments (payment_id),
    merchant_id    TEXT        NOT NULL,
    amount         BIGINT      NOT NULL CHECK (amount > 0 AND amount <= 99999999),
    currency       TEXT        NOT NULL,
    status         TEXT        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    reason         TEXT,
    metadata       JSONB       NOT NULL DEFAULT '{}'::jsonb,
    failure_reason TEXT,
    description    TEXT,
    bank_reference TEXT,
    version        BIGINT      NOT NULL CHECK (version > 0),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE INDEX refunds_by_payment ON refunds (payment_id, seq DESC);
CREATE INDEX refunds_pending ON refunds (updated_at) WHERE status = 'pending';
