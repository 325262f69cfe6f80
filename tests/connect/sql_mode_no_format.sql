-- Column mode (no 'format'): 'mode' has no meaning there.
CREATE TABLE mc (id BIGINT, name STRING) WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k', 'mode' = 'KEY');
