-- The ops console's operator-wide reads: events by type over a recent window, and recent attempts
-- (failing endpoints), without scanning the whole history.
CREATE INDEX events_by_created ON events (created_at);
CREATE INDEX delivery_attempts_by_time ON delivery_attempts (attempted_at);
CREATE INDEX deliveries_dead_letters ON deliveries (updated_at DESC) WHERE status = 'failed';
