DROP TABLE rate_limit_spend;
