-- explain
-- The seed's pipeline: print needs -U, so a ChangelogNormalize keyed by order_id is added.
CREATE TABLE src (order_id STRING, amount DOUBLE, PRIMARY KEY (order_id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'h:1',
  'key.format' = 'csv', 'value.format' = 'json');
CREATE TABLE p (order_id STRING, amount DOUBLE) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM src;
INSERT INTO p SELECT order_id, amount * 2 FROM src WHERE amount > 10;
