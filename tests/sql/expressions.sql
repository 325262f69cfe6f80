-- Select lists: arithmetic, comparisons, logic, CASE, CAST, || and the everyday functions,
-- with a WHERE filter, over constant rows.
CREATE TABLE out1 (a STRING, b STRING, c STRING, d STRING, e STRING, f STRING)
  WITH ('connector' = 'print', 'print-identifier' = 'str');
CREATE TABLE out2 (a INT, b DOUBLE, c DECIMAL(10, 2), d BOOLEAN, e BIGINT, f INT)
  WITH ('connector' = 'print', 'print-identifier' = 'num');

INSERT INTO out1
SELECT UPPER(name), LOWER(name), TRIM(pad), name || '!' || CAST(n AS STRING),
       SUBSTRING(name FROM 2 FOR 3), COALESCE(opt, 'none')
FROM (VALUES ('Alice', '  x  ', 1, CAST(NULL AS STRING)),
             ('bob', 'y ', 22, 'set'),
             ('Zoë', ' z', 333, NULL)) AS t (name, pad, n, opt)
WHERE n > 0;

INSERT INTO out2
SELECT a + b * 2, CAST(a AS DOUBLE) / 4, CAST(p AS DECIMAL(10, 2)) * 2,
       a BETWEEN 1 AND 5 AND NOT (b IN (7, 8)), CAST(a AS BIGINT) * 1000000000000,
       CASE WHEN a > 3 THEN ABS(-a) WHEN a = 3 THEN CHAR_LENGTH('Zoë') ELSE ROUND(a) END
FROM (VALUES (1, 2, '1.005'), (3, 7, '2.5'), (6, -1, '-0.125')) AS t (a, b, p)
WHERE a IS NOT NULL AND p LIKE '%5';
