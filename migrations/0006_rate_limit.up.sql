-- The rate-limit budget every serve process shares: each client's points
-- spent per fixed window. Each process adds what it spent and reads the
-- window's totals back in one statement per flush (store.SpendRateBudget),
-- and that statement drops the windows that have ended.
CREATE TABLE rate_limit_spend (
    window_start timestamptz NOT NULL,
    client       text        NOT NULL,
    points       bigint      NOT NULL CHECK (points >= 0),
    PRIMARY KEY (window_start, client)
);
