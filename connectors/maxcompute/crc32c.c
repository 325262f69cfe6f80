/*
** connectors/maxcompute/crc32c.c — CRC32C for Tunnel record and stream checksums.
**
** Two implementations of the same function: the SSE4.2 crc32 instruction (8 bytes per step,
** chosen at run time with __builtin_cpu_supports so one binary runs everywhere), and a portable
** slicing-by-8 table walk. The record encoder feeds many short pieces (a 4-byte field number,
** an 8-byte value), so the per-call cost matters as much as the bulk rate: the dispatch is one
** pthread_once fast path and a predictable branch.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/maxcompute/crc32c.h"

#include <pthread.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SL_MC_CRC_X86 1
#include <nmmintrin.h>
#endif

#define POLY 0x82F63B78u

static uint32_t table[8][256];
static int use_hw;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        table[0][i] = c;
    }
    /* table[k][i]: the CRC of byte i followed by k zero bytes, so 8 lookups fold 8 bytes. */
    for (int k = 1; k < 8; k++)
        for (int i = 0; i < 256; i++)
            table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xff];
#ifdef SL_MC_CRC_X86
    __builtin_cpu_init();
    use_hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
#endif
}

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* c is the raw register (already inverted); returns the raw register. */
static uint32_t sw_update(uint32_t c, const uint8_t *p, size_t n)
{
    while (n >= 8) {
        uint32_t lo = load_le32(p) ^ c;
        uint32_t hi = load_le32(p + 4);
        c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^
            table[4][lo >> 24] ^ table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
            table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
    return c;
}

#ifdef SL_MC_CRC_X86
__attribute__((target("sse4.2"))) static uint32_t hw_update(uint32_t c, const uint8_t *p, size_t n)
{
    /* Unaligned 8-byte loads are fine on x86; memcpy keeps the access well-defined. */
    uint64_t c64 = c;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c64 = _mm_crc32_u64(c64, v);
        p += 8;
        n -= 8;
    }
    c = (uint32_t)c64;
    if (n >= 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        c = _mm_crc32_u32(c, v);
        p += 4;
        n -= 4;
    }
    while (n--) c = _mm_crc32_u8(c, *p++);
    return c;
}
#endif

uint32_t sl_mc_crc32c(uint32_t crc, const void *p, size_t n)
{
    pthread_once(&init_once, crc_init);
#ifdef SL_MC_CRC_X86
    if (SL_LIKELY(use_hw)) return ~hw_update(~crc, (const uint8_t *)p, n);
#endif
    return ~sw_update(~crc, (const uint8_t *)p, n);
}

uint32_t sl_mc_crc32c_sw(uint32_t crc, const void *p, size_t n)
{
    pthread_once(&init_once, crc_init);
    return ~sw_update(~crc, (const uint8_t *)p, n);
}

int sl_mc_crc32c_hw_available(void)
{
    pthread_once(&init_once, crc_init);
    return use_hw;
}
