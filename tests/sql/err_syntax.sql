-- A typo in a keyword: the error points at the token and says what would fit there.
CREATE TABLE p (a INT) WITH ('connector' = 'print');
INSERT INTO p SELECT a FORM p;
