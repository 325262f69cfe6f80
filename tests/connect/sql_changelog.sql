-- Changelog: insert-only without a PRIMARY KEY; upserts by key with one. Secrets are masked.
CREATE TABLE src (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:1',
  'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE mc_keyed (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
  WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k', 'time_zone' = 'UTC+8');
CREATE TABLE mc_append (id BIGINT, name STRING) WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k');
SHOW CREATE TABLE mc_keyed;
EXPLAIN INSERT INTO mc_keyed SELECT * FROM src;
EXPLAIN INSERT INTO mc_append SELECT id, name FROM (VALUES (CAST(1 AS BIGINT), 'a')) AS v(id, name);
EXPLAIN INSERT INTO mc_append SELECT * FROM src;
