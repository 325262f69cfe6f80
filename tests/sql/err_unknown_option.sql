-- An option the connector does not know, with the closest valid one.
CREATE TABLE src (
  id STRING,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'csv',
  'value.format' = 'json',
  'value.fields-inclde' = 'ALL'
);
