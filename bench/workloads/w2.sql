-- bench/workloads/w2.sql — W2: kafka JSON source -> filter and projection -> kafka JSON sink (lz4).
--
-- The plain (append-only) kafka connector, Flink's syntax: read the orders topic written by
-- bench/gen_orders from the earliest offset up to the end offsets seen at start-up, keep the
-- orders that were paid through an app and are not tiny, and write a narrower JSON record
-- (with a computed discount) to a second topic, lz4-compressed.
--
-- Variables: BOOTSTRAP_SERVERS, TOPIC (source), SINK_TOPIC (created by bench/run_kafka.sh with
-- the same partition count).

CREATE TABLE orders (
  order_id string,
  order_channel string,
  order_time string,
  pay_amount double,
  real_pay double,
  pay_time string,
  user_id string,
  user_name string,
  area_id string
) WITH (
  'connector' = 'kafka',
  'topic' = '${TOPIC:-orders}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json'
);

CREATE TABLE app_orders (
  order_id string,
  order_channel string,
  pay_amount double,
  real_pay double,
  discount double,
  user_id string,
  area_id string
) WITH (
  'connector' = 'kafka',
  'topic' = '${SINK_TOPIC:-app_orders}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.compression.type' = 'lz4',
  'format' = 'json'
);

INSERT INTO app_orders
SELECT order_id, order_channel, pay_amount, real_pay, pay_amount - real_pay AS discount,
       user_id, area_id
FROM orders
WHERE order_channel IN ('miniAppShop', 'appshop', 'wechatShop') AND real_pay >= 10;
