-- An unknown SET key.
SET 'table.exec.sink.not-null-enforcr' = 'DROP';
