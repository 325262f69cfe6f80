# Bad configs: each error names the key, points at it (file:line:col) and suggests the fix.
"$SLUICE" run --bootstrap-servers b:9092 bad_syntax.json
"$SLUICE" run --bootstrap-servers b:9092 bad_array.json
"$SLUICE" run --bootstrap-servers b:9092 bad_top.json
"$SLUICE" run --bootstrap-servers b:9092 bad_duplicate.json
"$SLUICE" run --bootstrap-servers b:9092 bad_value_type.json
"$SLUICE" run --bootstrap-servers b:9092 bad_unknown_key.json
"$SLUICE" run --bootstrap-servers b:9092 bad_transforms.json
"$SLUICE" run --bootstrap-servers b:9092 bad_errors_tolerance.json
"$SLUICE" run --bootstrap-servers b:9092 bad_class.json
"$SLUICE" run --bootstrap-servers b:9092 bad_name.json
"$SLUICE" run --bootstrap-servers b:9092 bad_tasks_max.json
"$SLUICE" run --bootstrap-servers b:9092 bad_topics_both.json
"$SLUICE" run --bootstrap-servers b:9092 bad_no_topics.json
"$SLUICE" run --bootstrap-servers b:9092 bad_topic_name.json
"$SLUICE" run --bootstrap-servers b:9092 bad_regex.json
"$SLUICE" run --bootstrap-servers b:9092 bad_converter.json
"$SLUICE" run --bootstrap-servers b:9092 bad_binary_string.json
# Options the 'maxcompute' descriptor rejects, shown at the config's key or value.
"$SLUICE" run --bootstrap-servers b:9092 bad_buffer_size.json
"$SLUICE" run --bootstrap-servers b:9092 bad_csv_default.json
"$SLUICE" run --bootstrap-servers b:9092 bad_sts.json
"$SLUICE" run --bootstrap-servers b:9092 bad_error_topic.json
"$SLUICE" run --bootstrap-servers b:9092 bad_time_zone.json
"$SLUICE" run --bootstrap-servers b:9092 bad_endpoint.json
# The Kafka cluster.
"$SLUICE" run flat.json
"$SLUICE" run --worker-config worker-no-servers.properties flat.json
"$SLUICE" run --worker-config no-such-file.properties flat.json
"$SLUICE" run --print-sql ../../examples/maxcompute/text.sql
