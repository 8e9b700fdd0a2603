-- Retention (dev.paygate.support.retention.Retention): the purge takes the oldest inbox rows first and reads the
-- oldest one's age for its gauge; without an index both would scan the whole table on every run.
CREATE INDEX inbox_received_at ON inbox (received_at);
