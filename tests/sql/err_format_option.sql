-- Format options live in the format's namespace: 'value.json.<option>'.
CREATE TABLE src (id STRING, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 't',
  'properties.bootstrap.servers' = '127.0.0.1:9092',
  'key.format' = 'csv',
  'value.format' = 'json',
  'value.json.ignore-parse-errors' = 'yes'
);
