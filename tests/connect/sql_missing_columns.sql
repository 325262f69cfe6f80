-- Record mode: topic, partition, offset, key and value are all needed (timestamp is optional).
CREATE TABLE mc (
  `topic` STRING, `partition` BIGINT, `timestamp` TIMESTAMP_LTZ(3), `value` STRING
) WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k', 'format' = 'json', 'mode' = 'value');
