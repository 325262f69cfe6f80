-- repl
SHOW JOBS;
STOP JOB 'nope';
