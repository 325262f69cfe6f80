-- A format that does not exist.
CREATE TABLE src (id STRING, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'csv',
  'value.format' = 'jsn'
);
