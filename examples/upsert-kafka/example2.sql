-- Example 2 of the upsert-kafka connector page: copy an append-only topic of orders into an
-- upsert topic keyed by order_id. The source starts at the latest offset, so it reads what is
-- produced after the job started; the job runs until stopped (SIGINT/SIGTERM).
--
--   sluice run -D BOOTSTRAP_SERVERS=host:9092 -D SOURCE_TOPIC=orders -D SINK_TOPIC=orders_by_id \
--       examples/upsert-kafka/example2.sql

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
  'topic' = '${SOURCE_TOPIC:-KafkaTopic}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.group.id' = '${GROUP_ID:-GroupId}',
  'scan.startup.mode' = 'latest-offset',
  'format' = 'json'
);

CREATE TABLE upsertKafkaSink (
  order_id string,
  order_channel string,
  order_time string,
  pay_amount double,
  real_pay double,
  pay_time string,
  user_id string,
  user_name string,
  area_id string,
  PRIMARY KEY(order_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${SINK_TOPIC:-KafkaTopic}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'key.format' = 'csv',
  'value.format' = 'json'
);

insert into upsertKafkaSink select * from orders;
