-- repl
-- The shell without a terminal: statements from standard input, results as JSON lines.
CREATE TABLE orders (
  order_id STRING,
  amount DECIMAL(10, 2),
  paid BOOLEAN,
  note STRING,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'orders',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'properties.sasl.mechanism' = 'PLAIN',
  'properties.sasl.password' = 'hunter2',
  'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
  'key.format' = 'csv',
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = 'http://127.0.0.1:8081',
  'value.avro-confluent.basic-auth.user-info' = 'user:secret'
);
CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'print');
SHOW TABLES;
DESCRIBE orders;
SHOW CREATE TABLE orders;
-- A SELECT returns its changelog with the op of each row; NULL is null, numbers are numbers.
SELECT * FROM (VALUES (1, 'a', 1.5), (2, CAST(NULL AS STRING), -0.25)) AS t(id, name, x);
SELECT id * 10 AS ten FROM (VALUES (1), (2), (3)) AS t(id) WHERE id > 1;
-- LIMIT and client.preview.max-rows bound it.
SELECT * FROM (VALUES (1), (2), (3)) AS t(id) LIMIT 2;
SET 'client.preview.max-rows' = '1';
SELECT * FROM (VALUES (1), (2), (3)) AS t(id);
RESET 'client.preview.max-rows';
SELECT * FROM (VALUES (1), (2), (3)) AS t(id) LIMIT 0;
-- An INSERT waits for its job here ('table.dml-sync' is 'true'); SHOW JOBS keeps its outcome.
INSERT INTO out VALUES (1, 'x'), (2, 'y');
SHOW JOBS;
SET 'sql-client.execution.result-mode' = 'changelog';
SET 'pipeline.name' = 'demo';
SET;
RESET;
SET;
EXPLAIN SELECT name FROM (VALUES (1, 'a')) AS t(id, name);
