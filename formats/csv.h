/*
** formats/csv.h — the 'csv' format: Flink's CSV row encoding (one record per message).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_FORMATS_CSV_H
#define SL_FORMATS_CSV_H

#include "base/registry.h"

extern const sl_format_desc sl_format_csv;

#endif
