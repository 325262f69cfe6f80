-- examples/deploy/job.sql — the example job of the container image and the Kubernetes manifest.
--
-- Keeps a compacted copy of an order topic with the latest state per order, skipping test
-- orders. The cluster comes from BOOTSTRAP_SERVERS, the password from the Secret mounted as the
-- secrets directory (--secrets-dir / SLUICE_SECRETS_DIR): file kafka_password.
--
--   sluice run --validate -D BOOTSTRAP_SERVERS=kafka:9092 --secrets-dir ./secrets job.sql

SET 'pipeline.name' = 'orders-latest';
SET 'execution.checkpointing.interval' = '10 s';

CREATE TABLE orders (
  order_id STRING,
  user_id STRING,
  amount DECIMAL(12, 2),
  status STRING,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${ORDERS_TOPIC:-orders}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.security.protocol' = '${KAFKA_SECURITY_PROTOCOL:-SASL_SSL}',
  'properties.sasl.mechanism' = 'PLAIN',
  'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="${KAFKA_USER:-sluice}" password="${secret_values.kafka_password}";',
  'key.format' = 'raw',
  'value.format' = 'json'
);

CREATE TABLE orders_latest (
  order_id STRING,
  user_id STRING,
  amount DECIMAL(12, 2),
  status STRING,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${LATEST_TOPIC:-orders_latest}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.security.protocol' = '${KAFKA_SECURITY_PROTOCOL:-SASL_SSL}',
  'properties.sasl.mechanism' = 'PLAIN',
  'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="${KAFKA_USER:-sluice}" password="${secret_values.kafka_password}";',
  'key.format' = 'raw',
  'value.format' = 'json'
);

INSERT INTO orders_latest
SELECT order_id, user_id, amount, status FROM orders WHERE user_id <> 'test';
