-- With the enforcer set to DROP, such rows are dropped instead.
SET 'table.exec.sink.not-null-enforcer' = 'DROP';
CREATE TABLE p (a INT NOT NULL, b STRING) WITH ('connector' = 'print');
INSERT INTO p VALUES (1, 'ok'), (CAST(NULL AS INT), 'dropped'), (3, 'ok');
