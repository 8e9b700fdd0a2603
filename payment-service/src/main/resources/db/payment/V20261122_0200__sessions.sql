-- Hosted payment sessions. Amount and currency rules are enforced here as well as in the gateway.
CREATE TABLE sessions (
    id                    TEXT        PRIMARY KEY,
    merchant_id           TEXT        NOT NULL,
    amount                BIGINT      NOT NULL CHECK (amount > 0 AND amount <= 99999999),
    currency              TEXT        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    customer_details      JSONB       NOT NULL DEFAULT '{}'::jsonb,
    expires_at            TIMESTAMPTZ NOT NULL,
    failure_url           TEXT,
    success_url           TEXT,
    locale                TEXT,
    merchant_reference_id TEXT,
    metadata              JSONB       NOT NULL DEFAULT '{}'::jsonb,
    capture_method        TEXT        NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
    status                TEXT        NOT NULL CHECK (status IN ('open', 'completed', 'expired')),
    payment_status        TEXT        NOT NULL CHECK (payment_status IN ('unpaid', 'paid')),
    payment_id            TEXT,
    version               BIGINT      NOT NULL CHECK (version > 0),
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    CHECK (expires_at > created_at),
    CHECK ((payment_status = 'paid') = (payment_id IS NOT NULL))
);

CREATE INDEX sessions_open_by_expiry ON sessions (expires_at) WHERE status = 'open';
CREATE INDEX sessions_by_merchant ON sessions (merchant_id, created_at DESC);
