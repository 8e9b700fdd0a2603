-- The trace a row belongs to (W3C traceparent of the span that wrote it): the relay publishes the row later, on a
-- thread of its own, and puts this back on the record as its traceparent header so the trace goes on.
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
