/*
** connectors/print/print.h — the print sink.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CONNECTORS_PRINT_H
#define SL_CONNECTORS_PRINT_H

#include "runtime/connector.h"

extern const sl_connector_desc sl_conn_print;
extern const sl_rt_connector sl_rt_print;

/* One row as a print line, without the newline: "[id> ]+I(v1,v2,...)". */
void sl_print_format_row(sl_buf *b, const char *identifier, const sl_row *row,
                         const sl_tabledef *t, const int *tcol);

#endif
