-- Catalog statements print their results.
CREATE TABLE src (id STRING, v DOUBLE, note STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.sasl.password' = 'hunter2',
  'key.format' = 'csv',
  'value.format' = 'json'
);
CREATE TABLE IF NOT EXISTS src (x INT) WITH ('connector' = 'print');
CREATE TABLE p (a INT) WITH ('connector' = 'print');
SHOW TABLES;
DESCRIBE src;
SHOW CREATE TABLE src;
SET 'pipeline.name' = 'demo';
SET;
