-- The trace an event arrived in (its record's W3C traceparent): every delivery of the event sends it on as the
-- webhook request's traceparent header, so a receiver sees the trace of the request that caused the event.
ALTER TABLE events ADD COLUMN traceparent TEXT;
