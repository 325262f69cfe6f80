-- bench/workloads/w1.sql — W1: upsert-kafka (CSV key, JSON value) -> print.
--
-- Example 1 of the upsert-kafka connector page at benchmark scale: the orders topic written by
-- bench/gen_orders (K distinct order_id keys, later records update earlier ones) is read as an
-- upsert stream up to the end offsets seen at start-up and printed as a changelog. print needs
-- -U rows, so the planner inserts a ChangelogNormalize that keeps one row per key.
-- bench/run_kafka.sh sends stdout to /dev/null.
--
-- Variables: BOOTSTRAP_SERVERS, TOPIC. bench/run_kafka.sh --tuned adds consumer 'properties.*'
-- (prefetch settings) to a copy of this file for the "W1 tuned" row.

CREATE TABLE orders (
  order_id string,
  order_channel string,
  order_time string,
  pay_amount double,
  real_pay double,
  pay_time string,
  user_id string,
  user_name string,
  area_id string,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${TOPIC:-orders}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'key.format' = 'csv',
  'value.format' = 'json',
  'scan.bounded.mode' = 'latest-offset'
);

CREATE TABLE printSink (
  order_id string,
  order_channel string,
  order_time string,
  pay_amount double,
  real_pay double,
  pay_time string,
  user_id string,
  user_name string,
  area_id string,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'print'
);

INSERT INTO printSink SELECT * FROM orders;
