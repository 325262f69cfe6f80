/*
** cli/http.h — the runner's read-only admin endpoint (libmicrohttpd): /healthz, /readyz,
** /metrics.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_HTTP_H
#define SL_CLI_HTTP_H

#include <stddef.h>

/* /healthz fails when a running job's loop has not made progress for this long. */
#define SL_CLI_LIVENESS_MS 60000

/*
** Serve on addr ("HOST:PORT", "[V6]:PORT"; port 0 picks a free one) from a thread of its own.
** Returns 0 (the address actually bound is logged), or -1 with msg set.
*/
int sl_cli_http_start(const char *addr, char *msg, size_t msglen);
void sl_cli_http_stop(void);

#endif
