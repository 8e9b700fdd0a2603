CREATE TABLE merchants (
    id                  TEXT        PRIMARY KEY,
    name                TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    default_api_version TEXT        NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- API keys are stored as SHA-256 digests only: a key is shown once, when it is created.
CREATE TABLE api_keys (
    id          TEXT        PRIMARY KEY,
    merchant_id TEXT        NOT NULL REFERENCES merchants (id),
    key_hash    TEXT        NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    key_hint    TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);

CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id);
