-- INSERT with a different number of columns than the sink.
CREATE TABLE p (a INT, b STRING) WITH ('connector' = 'print');
INSERT INTO p VALUES (1, 'x', TRUE);
