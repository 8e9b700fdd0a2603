-- Where a merchant wants its webhooks. The signing secret is kept in clear because signing needs it; it is
-- shown to the merchant only when created and never logged or published.
CREATE TABLE endpoints (
    id             TEXT        PRIMARY KEY,
    merchant_id    TEXT        NOT NULL,
    url            TEXT        NOT NULL CHECK (length(url) <= 2048),
    description    TEXT        CHECK (length(description) <= 500),
    enabled_events TEXT[]      NOT NULL CHECK (cardinality(enabled_events) > 0),
    secret         TEXT        NOT NULL,
    status         TEXT        NOT NULL CHECK (status IN ('enabled', 'disabled')),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE INDEX endpoints_by_merchant ON endpoints (merchant_id);

-- Every state change received, once (the primary key is the CloudEvent id, so a redelivery inserts nothing).
-- body is the exact webhook body, built once, so every attempt sends (and signs) the same bytes.
CREATE TABLE events (
    id          TEXT        PRIMARY KEY,
    merchant_id TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    body        TEXT        NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One event to one endpoint. locked_until is a lease: a dispatcher that claimed the row and died lets it
-- become due again when the lease runs out.
CREATE TABLE deliveries (
    id               TEXT        PRIMARY KEY,
    event_id         TEXT        NOT NULL REFERENCES events (id),
    endpoint_id      TEXT        NOT NULL REFERENCES endpoints (id),
    status           TEXT        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         INT         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  TIMESTAMPTZ,
    locked_until     TIMESTAMPTZ,
    last_status_code INT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (event_id, endpoint_id),
    CHECK (status <> 'pending' OR next_attempt_at IS NOT NULL)
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_endpoint ON deliveries (endpoint_id, created_at DESC);

-- Every attempt, as the merchant will see it listed: status_code is NULL when no answer came (timeout,
-- connection refused); the response body is cut to 16 KiB.
CREATE TABLE delivery_attempts (
    id            BIGSERIAL   PRIMARY KEY,
    delivery_id   TEXT        NOT NULL REFERENCES deliveries (id),
    attempted_at  TIMESTAMPTZ NOT NULL,
    status_code   INT,
    latency_ms    BIGINT      NOT NULL CHECK (latency_ms >= 0),
    error         TEXT,
    response_body TEXT
);

CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, attempted_at);
