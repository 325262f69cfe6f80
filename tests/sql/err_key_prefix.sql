-- key.fields-prefix needs 'value.fields-include' = 'EXCEPT_KEY'.
CREATE TABLE src (k_id STRING, v STRING, PRIMARY KEY (k_id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'csv',
  'key.fields-prefix' = 'k_',
  'value.format' = 'json'
);
