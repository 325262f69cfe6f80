-- repl
SET 'sql-client.execution.result-mode' = 'pager';
