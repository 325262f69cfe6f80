-- LIMIT needs a literal.
SELECT * FROM (VALUES (1)) AS t(id) LIMIT 1 + 1;
