-- A NULL written into a NOT NULL column fails the job at run time (Flink's message).
CREATE TABLE p (a INT NOT NULL, b STRING) WITH ('connector' = 'print');
INSERT INTO p VALUES (1, 'ok'), (CAST(NULL AS INT), 'bad');
