-- Payments. The money rules hold in the database as well as in code.
CREATE TABLE payments (
    id                     TEXT        PRIMARY KEY,
    merchant_id            TEXT        NOT NULL,
    transaction_id         TEXT        NOT NULL UNIQUE CHECK (transaction_id ~ '^PCI_[A-Z0-9]{30}$'),
    amount                 BIGINT      NOT NULL CHECK (amount > 0 AND amount <= 99999999),
    amount_capturable      BIGINT      NOT NULL CHECK (amount_capturable >= 0 AND amount_capturable <= amount),
    amount_received        BIGINT      NOT NULL CHECK (amount_received >= 0 AND amount_received <= amount),
    amount_refunded        BIGINT      NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0 AND amount_refunded <= amount_received),
    currency               TEXT        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    capture_method         TEXT        NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
    status                 TEXT        NOT NULL CHECK (status IN ('requiresPaymentMethod', 'requiresConfirmation',
                                           'requiresAction', 'processing', 'requiresCapture', 'succeeded', 'canceled')),
    -- the acquirer's card token and what may be shown; never the card number or CVC
    card                   JSONB,
    authorization_id       TEXT,
    customer_details       JSONB       NOT NULL DEFAULT '{}'::jsonb,
    description            TEXT,
    merchant_customer_id   TEXT,
    metadata               JSONB       NOT NULL DEFAULT '{}'::jsonb,
    return_url             TEXT,
    payment_method_options JSONB       NOT NULL,
    setup_future_usage     JSONB,
    cancellation_reason    TEXT,
    canceled_at            TIMESTAMPTZ,
    last_payment_error     JSONB,
    session_id             TEXT REFERENCES sessions (id),
    version                BIGINT      NOT NULL CHECK (version > 0),
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    CHECK ((status = 'canceled') = (canceled_at IS NOT NULL)),
    CHECK (status <> 'canceled' OR amount_capturable = 0),
    CHECK (status <> 'requiresCapture' OR (amount_capturable > 0 AND authorization_id IS NOT NULL)),
    CHECK (status <> 'succeeded' OR (amount_received > 0 AND amount_capturable = 0))
);

CREATE INDEX payments_by_merchant ON payments (merchant_id, created_at DESC);
CREATE INDEX payments_by_session ON payments (session_id) WHERE session_id IS NOT NULL;
