-- INSERT whose column types do not fit the sink.
CREATE TABLE p (a INT, b DATE) WITH ('connector' = 'print');
INSERT INTO p VALUES (1, 'not a date');
