-- After a rotation the old secret keeps signing (beside the new one) until previous_secret_until.
ALTER TABLE endpoints ADD COLUMN previous_secret TEXT;
ALTER TABLE endpoints ADD COLUMN previous_secret_until TIMESTAMPTZ;
