/*
** cli/render.h — rendering errors with their SQL position, for the CLI and the REPL.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_RENDER_H
#define SL_CLI_RENDER_H

#include <stdio.h>

/*
** Print "file:line:col: error: msg", then the source line and a caret line under
** [offset, offset+len) of src. With offset < 0, print "file: error: msg".
*/
void sl_cli_print_error(FILE *out, const char *file, const char *src, size_t srclen, int offset,
                        int len, const char *msg);

#endif
