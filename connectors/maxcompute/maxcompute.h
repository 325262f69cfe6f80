/*
** connectors/maxcompute/maxcompute.h — the runtime side of the 'maxcompute' connector (sink.c).
** Its descriptor is in options.h.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_MAXCOMPUTE_H
#define SL_MC_MAXCOMPUTE_H

#include "runtime/connector.h"

extern const sl_rt_connector sl_rt_maxcompute;

#endif
