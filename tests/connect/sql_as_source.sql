-- maxcompute is a sink only.
CREATE TABLE mc (id BIGINT, name STRING) WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api', 'project' = 'p', 'table' = 't', 'access_id' = 'id', 'access_key' = 'k');
CREATE TABLE out (id BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM mc;
