-- A deleted endpoint is kept (its deliveries and attempts still refer to it) but is never shown or sent to again.
ALTER TABLE endpoints DROP CONSTRAINT endpoints_status_check;
ALTER TABLE endpoints ADD CONSTRAINT endpoints_status_check CHECK (status IN ('enabled', 'disabled', 'deleted'));
ALTER TABLE endpoints ADD COLUMN seq BIGSERIAL;
CREATE INDEX endpoints_by_merchant_seq ON endpoints (merchant_id, seq DESC) WHERE status <> 'deleted';
