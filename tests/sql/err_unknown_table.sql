-- An unknown table, with the closest name suggested.
CREATE TABLE orders (id INT) WITH ('connector' = 'print');
CREATE TABLE p (id INT) WITH ('connector' = 'print');
INSERT INTO p SELECT id FROM order;
