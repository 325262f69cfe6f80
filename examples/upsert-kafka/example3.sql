-- Example 3 of the upsert-kafka connector page: Example 1 against a Kerberos-secured cluster
-- (SASL_PLAINTEXT, GSSAPI). The Java client properties of the page are translated for
-- librdkafka (see docs/kafka-properties.md): the principal and keytab become
-- sasl.kerberos.principal / sasl.kerberos.keytab and kinit uses the given krb5.conf.
--
--   sluice run -D BOOTSTRAP_SERVERS=host:21007 -D PRINCIPAL=user -D KRB5=/etc/krb5.conf \
--       -D KEYTAB=/etc/user.keytab examples/upsert-kafka/example3.sql

CREATE TABLE upsertKafkaSource (
  order_id string,
  order_channel string,
  order_time string,
  pay_amount double,
  real_pay double,
  pay_time string,
  user_id string,
  user_name string,
  area_id string,
  PRIMARY KEY(order_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${TOPIC:-KafkaTopic}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'key.format' = 'csv',
  'value.format' = 'json',
  'properties.sasl.mechanism' = 'GSSAPI',
  'properties.security.protocol' = 'SASL_PLAINTEXT',
  'properties.sasl.kerberos.service.name' = 'kafka', -- Configured in MRS
  'properties.connector.auth.open' = 'true',
  'properties.connector.kerberos.principal' = '${PRINCIPAL:-username}', --Username
  'properties.connector.kerberos.krb5' = '${KRB5:-/etc/krb5.conf}', --krb5_conf path
  'properties.connector.kerberos.keytab' = '${KEYTAB:-/etc/user.keytab}' --keytab path
);

CREATE TABLE printSink (
  order_id string,
  order_channel string,
  order_time string,
  pay_amount double,
  real_pay double,
  pay_time string,
  user_id string,
  user_name string,
  area_id string,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'print'
);

INSERT INTO printSink SELECT * FROM upsertKafkaSource;
