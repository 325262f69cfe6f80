-- Example 1 of the upsert-kafka connector page: read an upsert topic, print its changelog.
--
-- The topic's records are orders keyed by order_id (key: CSV, value: JSON). Reading them as
-- an upsert stream and printing shows +I for a new key, -U/+U when a key's value changes.
-- 'scan.bounded.mode' = 'latest-offset' makes the job stop at the end of the topic.
--
-- Run:  sluice run --define BOOTSTRAP_SERVERS=127.0.0.1:9092 examples/quickstart.sql
-- (make demo starts a local broker, loads the three orders and runs this script)

CREATE TABLE upsertKafkaSource (
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
  'topic' = '${TOPIC:-KafkaTopic}',
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

INSERT INTO printSink SELECT * FROM upsertKafkaSource;
