-- An invalid CAST fails the job; TRY_CAST gives NULL.
CREATE TABLE p (a INT) WITH ('connector' = 'print');
INSERT INTO p SELECT TRY_CAST(s AS INT) FROM (VALUES ('12'), ('x')) AS t (s);
INSERT INTO p SELECT CAST(s AS INT) FROM (VALUES ('12'), ('x')) AS t (s);
