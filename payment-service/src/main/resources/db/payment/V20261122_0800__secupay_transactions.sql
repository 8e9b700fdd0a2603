-- secupay-compatible views (SPEC §2.5): numeric trans_ids, partial cancellation, and the refunds linked to each
-- payment. payment-service numbers payments and refunds from one sequence, so a trans_id is unique across both.
CREATE SEQUENCE trans_ids START WITH 10000001;

ALTER TABLE payments
    ADD COLUMN trans_id        BIGINT      NOT NULL UNIQUE DEFAULT nextval('trans_ids'),
    -- released by a partial cancellation; together with what was captured never more than the amount
    ADD COLUMN amount_canceled BIGINT      NOT NULL DEFAULT 0,
    ADD COLUMN captured_at     TIMESTAMPTZ,
    ADD CONSTRAINT payments_amount_canceled_bounds CHECK (amount_canceled >= 0
        AND amount_capturable + amount_canceled <= amount
        AND amount_received + amount_canceled <= amount);

UPDATE payments SET captured_at = updated_at WHERE status = 'succeeded';

-- refund_totals becomes the list of each payment's refunds as payment-service knows them from the refund topic
ALTER TABLE refund_totals RENAME TO refunds;
ALTER TABLE refunds
    ADD COLUMN transaction_id TEXT,
    ADD COLUMN trans_id       BIGINT      NOT NULL UNIQUE DEFAULT nextval('trans_ids'),
    ADD COLUMN currency       TEXT,
    ADD COLUMN status         TEXT        NOT NULL DEFAULT 'pending',
    ADD COLUMN description    TEXT,
    ADD COLUMN created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN completed_at   TIMESTAMPTZ;
UPDATE refunds r SET transaction_id = 'PCI_' || upper(substr(md5(r.refund_id), 1, 30)),
                     currency = (SELECT p.currency FROM payments p WHERE p.id = r.payment_id),
                     status = CASE WHEN r.counted THEN 'succeeded' ELSE 'pending' END;
ALTER TABLE refunds
    ALTER COLUMN transaction_id SET NOT NULL,
    ALTER COLUMN currency SET NOT NULL,
    ADD CONSTRAINT refunds_transaction_id_unique UNIQUE (transaction_id),
    ADD CONSTRAINT refunds_transaction_id_format CHECK (transaction_id ~ '^PCI_[A-Z0-9]{30}$'),
    ADD CONSTRAINT refunds_status CHECK (status IN ('pending', 'succeeded', 'failed'));
CREATE INDEX refunds_by_payment ON refunds (payment_id, trans_id);

-- Cancel calls that asked refund-service for a refund: the ids it gets, and who waits for the answer. The
-- answer is sent once, when the refund's first event is linked (answered_at).
CREATE TABLE transaction_cancels (
    command_id            TEXT        PRIMARY KEY,
    payment_id            TEXT        NOT NULL REFERENCES payments (id),
    refund_id             TEXT        NOT NULL UNIQUE,
    refund_transaction_id TEXT        NOT NULL UNIQUE CHECK (refund_transaction_id ~ '^PCI_[A-Z0-9]{30}$'),
    refund_trans_id       BIGINT      NOT NULL UNIQUE,
    created_at            TIMESTAMPTZ NOT NULL,
    answered_at           TIMESTAMPTZ
);
