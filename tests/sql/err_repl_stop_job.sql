-- repl
-- STOP JOB of an unknown or finished job, HELP with a topic, and the first error stops the
-- shell (exit 1): the last statement does not run.
CREATE TABLE out (id INT) WITH ('connector' = 'print');
INSERT INTO out VALUES (1);
STOP JOB '1';
SHOW TABLES;
