-- The SQL equivalent of csv.json, the MaxCompute Kafka connector config of the example
-- "CSV" (what `sluice run --print-sql csv.json` prints; docs/maxcompute-connector-config.md).
-- Run: sluice run -D MC_ENDPOINT=... -D MC_PROJECT=... -D MC_ACCESS_ID=... csv.sql with
-- SLUICE_SECRET_mc_access_key set (or --secrets-dir DIR holding a file mc_access_key).
SET 'pipeline.name' = 'odps-test-csv';
SET 'execution.checkpointing.interval' = '60000 ms';
CREATE TABLE `kafka_source` (
  `topic` STRING METADATA VIRTUAL,
  `partition` INT METADATA VIRTUAL,
  `offset` BIGINT METADATA VIRTUAL,
  `timestamp` TIMESTAMP_LTZ(3) METADATA VIRTUAL,
  `key` BYTES,
  `value` BYTES
) WITH (
  'connector' = 'kafka',
  'topic' = 'topic_csv',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}',
  'properties.group.id' = 'connect-odps-test-csv',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'key.format' = 'raw',
  'key.fields' = 'key',
  'value.format' = 'raw',
  'value.fields-include' = 'EXCEPT_KEY'
);
CREATE TABLE `maxcompute_sink` (
  `topic` STRING,
  `partition` INT,
  `offset` BIGINT,
  `timestamp` TIMESTAMP_LTZ(3),
  `key` BYTES,
  `value` BYTES
) WITH (
  'connector' = 'maxcompute',
  'endpoint' = '${MC_ENDPOINT}',
  'project' = '${MC_PROJECT}',
  'schema' = 'default',
  'table' = '${MC_TABLE:-table_csv}',
  'account_type' = 'ALIYUN',
  'access_id' = '${MC_ACCESS_ID}',
  'access_key' = '${secret_values.mc_access_key}',
  'partition_window_type' = 'MINUTE',
  'mode' = 'VALUE',
  'format' = 'CSV',
  'sink_pool_size' = '150',
  'record_batch_size' = '9000',
  'buffer_size_kb' = '600000'
);
INSERT INTO `maxcompute_sink` SELECT * FROM `kafka_source`;
