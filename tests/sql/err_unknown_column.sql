-- An unknown column, with the closest name suggested.
CREATE TABLE p (order_id STRING, amount DOUBLE) WITH ('connector' = 'print');
INSERT INTO p SELECT order_id, amout FROM (VALUES ('a', 1.0)) AS t (order_id, amount);
