/*
** cli/repl.h — the interactive shell (`sluice repl`, or `sluice` alone on a terminal).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_REPL_H
#define SL_CLI_REPL_H

/* Run the shell with the arguments after `repl`. Returns the process exit code. */
int sl_repl_main(int argc, char **argv);

#endif
