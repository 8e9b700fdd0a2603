-- Why an endpoint is disabled: the merchant asked ('requested'), it answered 410 Gone ('gone'), or it failed
-- continuously for longer than the configured time ('failing', counted from failing_since).
ALTER TABLE endpoints ADD COLUMN disabled_reason TEXT CHECK (disabled_reason IN ('requested', 'gone', 'failing'));
ALTER TABLE endpoints ADD COLUMN failing_since TIMESTAMPTZ;
ALTER TABLE endpoints ADD CONSTRAINT endpoints_disabled_has_reason
    CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL) OR status = 'deleted');

-- Arrival order, for the events and deliveries APIs (newest first, cursor pagination).
ALTER TABLE events ADD COLUMN seq BIGSERIAL;
CREATE INDEX events_by_merchant ON events (merchant_id, seq DESC);
CREATE INDEX events_by_merchant_type ON events (merchant_id, type, seq DESC);
ALTER TABLE deliveries ADD COLUMN seq BIGSERIAL;
CREATE INDEX deliveries_by_endpoint_seq ON deliveries (endpoint_id, seq DESC);
CREATE INDEX deliveries_failed ON deliveries (endpoint_id, created_at) WHERE status = 'failed';
-- attempts in flight, per endpoint: the claim keeps each endpoint under its concurrency limit
CREATE INDEX deliveries_leased ON deliveries (endpoint_id) WHERE status = 'pending' AND locked_until IS NOT NULL;
