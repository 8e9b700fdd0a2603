-- Idempotency keys (SPEC §2.1, §6): the first answer to a POST sent with an Idempotency-Key, kept per merchant so
-- that a retry with the same key and the same request gets it again, byte for byte, without a second effect.
--   in_flight: the first request is still running, or answered 202 and waits for its command's late reply
--              (command_id names that command); a retry answers 409 idempotency_key_in_use.
--   done:      response_* is exactly what was answered; a retry gets it again.
-- 5xx answers are never stored: their row is deleted, so a retry runs again.
CREATE TABLE idempotency_keys (
    merchant_id           TEXT        NOT NULL REFERENCES merchants (id),
    idempotency_key       TEXT        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    -- SHA-256 (hex) of method, path and raw body: the same key with another request is refused (422)
    request_hash          TEXT        NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    status                TEXT        NOT NULL CHECK (status IN ('in_flight', 'done')),
    response_status       INTEGER     CHECK (response_status BETWEEN 100 AND 499),
    response_content_type TEXT,
    response_body         TEXT,
    command_id            TEXT,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at          TIMESTAMPTZ,
    -- until then an in_flight row is worked on by a live gateway; past it, the gateway that claimed it died
    locked_until          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant_id, idempotency_key),
    CHECK (status = 'in_flight' OR (response_status IS NOT NULL AND response_body IS NOT NULL
                                    AND completed_at IS NOT NULL))
);

-- the purge deletes by age
CREATE INDEX idempotency_keys_by_created_at ON idempotency_keys (created_at);
