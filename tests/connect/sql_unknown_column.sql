-- Record mode: the table is a Kafka record; another column is an error with a suggestion.
CREATE TABLE mc (
  `topic` STRING, `partition` INT, `offset` BIGINT, `key` BYTES, `values` BYTES
) WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k', 'format' = 'TEXT');
