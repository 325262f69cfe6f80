-- Record mode: each record column has its type.
CREATE TABLE mc (
  `topic` STRING, `partition` INT, `offset` INT, `key` BYTES, `value` BYTES
) WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k', 'format' = 'BINARY');
