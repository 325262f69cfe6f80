-- Example 1 of the upsert-kafka connector page: read an upsert topic, print its changelog.
-- As on the page, the job runs until stopped (SIGINT/SIGTERM); examples/quickstart.sql is the
-- same job with 'scan.bounded.mode' = 'latest-offset', which stops at the end of the topic.
--
--   sluice run -D BOOTSTRAP_SERVERS=host:9092 examples/upsert-kafka/example1.sql

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
  'value.format' = 'json'
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
