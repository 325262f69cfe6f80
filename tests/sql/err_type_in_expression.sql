-- Comparing a string with a number is a type error, as in Flink.
CREATE TABLE p (a STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT s FROM (VALUES ('x')) AS t (s) WHERE s > 1;
