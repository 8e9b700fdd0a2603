-- A command that arrives again gets its first reply again (Outbox.replayReply): find that reply by command id.
CREATE INDEX outbox_replies ON outbox (aggregate_id) WHERE aggregate_type = 'reply';
