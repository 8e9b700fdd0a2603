-- Retention (WebhookRetention): deliveries are purged oldest first and their oldest row's age is a gauge; events and
-- attempts have their time indexes already (events_by_created, delivery_attempts_by_time).
CREATE INDEX deliveries_by_created ON deliveries (created_at);
