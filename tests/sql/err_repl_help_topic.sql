-- repl
HELP jobs;
