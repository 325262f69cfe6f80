-- A primary key must be NOT ENFORCED, as in Flink.
CREATE TABLE p (id STRING, v STRING, PRIMARY KEY (id)) WITH ('connector' = 'print');
