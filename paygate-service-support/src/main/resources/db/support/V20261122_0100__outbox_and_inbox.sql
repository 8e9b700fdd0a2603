-- Transactional outbox: written in the same transaction as the state change it announces, published
-- to Kafka by the relay. Column names follow the Debezium outbox router, so CDC could replace the relay.
CREATE TABLE outbox (
    id             BIGSERIAL PRIMARY KEY,
    aggregate_type TEXT        NOT NULL,
    aggregate_id   TEXT        NOT NULL,
    type           TEXT        NOT NULL,
    topic          TEXT        NOT NULL,
    message_key    TEXT        NOT NULL,
    headers        JSONB       NOT NULL DEFAULT '{}'::jsonb,
    payload        TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at   TIMESTAMPTZ
);

CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Inbox: insert-first deduplication of consumed messages; a duplicate key means "already done".
CREATE TABLE inbox (
    consumer    TEXT        NOT NULL,
    message_id  TEXT        NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
