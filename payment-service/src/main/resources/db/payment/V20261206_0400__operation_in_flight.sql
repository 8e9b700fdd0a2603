-- The bank operation a command has under way on a payment or a session, recorded (and committed) before the bank is
-- called: no transaction stays open and no row stays locked while the bank works, yet another command for the same
-- payment (from another instance, or one that woke up after its partitions moved) waits until the operation is
-- recorded or its lease has run out. The command that recorded the operation may take it up again (a redelivery
-- after a crash asks the bank again under the same reference). Cleared by the write that records the outcome.
ALTER TABLE payments ADD COLUMN operation_command TEXT, ADD COLUMN operation_until TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN operation_command TEXT, ADD COLUMN operation_until TIMESTAMPTZ;
