-- upsert-kafka needs a primary key (Flink's message).
CREATE TABLE src (id STRING, v STRING) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'csv',
  'value.format' = 'json'
);
