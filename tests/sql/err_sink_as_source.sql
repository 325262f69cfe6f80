-- print can only be written.
CREATE TABLE p (a INT) WITH ('connector' = 'print');
CREATE TABLE q (a INT) WITH ('connector' = 'print');
INSERT INTO q SELECT a FROM p;
