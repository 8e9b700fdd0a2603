-- The command whose caller waits for a refund's first outcome from the bank. The refund is committed pending
-- before the bank is called (no transaction stays open across the call), so the reply is sent when the outcome
-- is recorded, by whichever instance records it (after a crash: the janitor), and the column is cleared then.
-- NULL when nobody waits here (a secupay cancel is answered by payment-service) or the answer was sent.
ALTER TABLE refunds ADD COLUMN answer_to TEXT;
