# Quoting, topics.regex, converters, consumer.override.*, the flat form, a worker config.
"$SLUICE" run --print-sql --bootstrap-servers b1:9092 good.json
"$SLUICE" explain --bootstrap-servers b1:9092 good.json
"$SLUICE" run --print-sql --worker-config connect-distributed.properties flat.json
"$SLUICE" run --print-sql --worker-config connect-distributed.properties --bootstrap-servers cli:9092 flat.json
"$SLUICE" explain --worker-config connect-distributed.properties flat.json
