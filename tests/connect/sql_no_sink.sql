-- Until the MaxCompute sink exists, a job that reaches the runtime fails clearly.
CREATE TABLE mc (`topic` STRING, `partition` INT, `offset` BIGINT, `timestamp` TIMESTAMP_LTZ(3),
  `key` STRING, `value` STRING) WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k', 'format' = 'text');
INSERT INTO mc VALUES ('t', 0, CAST(1 AS BIGINT), CAST(NULL AS TIMESTAMP_LTZ(3)), 'k', 'v');
