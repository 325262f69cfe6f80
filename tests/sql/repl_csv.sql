-- repl --output csv
-- CSV output: a header per result, "op" first for a SELECT, RFC 4180 quoting, NULL empty.
SELECT * FROM (VALUES (1, 'a,b'), (2, 'say "hi"'), (3, CAST(NULL AS STRING))) AS t(id, s);
CREATE TABLE p (a INT) WITH ('connector' = 'print');
SHOW TABLES;
