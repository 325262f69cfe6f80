# The 'maxcompute' descriptor in SQL.
"$SLUICE" run sql_unknown_column.sql
"$SLUICE" run sql_column_type.sql
"$SLUICE" run sql_missing_columns.sql
"$SLUICE" run sql_mode_no_format.sql
"$SLUICE" run sql_as_source.sql
"$SLUICE" run sql_changelog.sql
