/*
** connectors/maxcompute/crc32c.h — CRC32C (Castagnoli), the checksum of Tunnel record streams.
**
** The Tunnel protocol checks every record and every stream with CRC32C (reflected polynomial
** 0x82F63B78, init 0xFFFFFFFF, final XOR 0xFFFFFFFF), not zlib's CRC32. The interface follows
** zlib's crc32(): the running value is always a finished CRC, 0 before any data, so pieces can be
** fed one after another without the caller knowing about the inversions.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_CRC32C_H
#define SL_MC_CRC32C_H

#include "base/common.h"

/*
** Extend crc (0 to start) with n bytes at p and return the new CRC. Borrows p. Thread-safe.
** Uses the SSE4.2 crc32 instruction when the CPU has it, a slicing-by-8 table otherwise.
*/
uint32_t sl_mc_crc32c(uint32_t crc, const void *p, size_t n);

/* The same computation forced onto the portable table path (tests compare the two paths). */
uint32_t sl_mc_crc32c_sw(uint32_t crc, const void *p, size_t n);

/* 1 when sl_mc_crc32c uses the hardware instruction on this machine. */
int sl_mc_crc32c_hw_available(void);

#endif
