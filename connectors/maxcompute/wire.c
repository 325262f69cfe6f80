/*
** connectors/maxcompute/wire.c — the Tunnel record stream codec: writer, reader, zlib wrapping.
**
** The writer is the sink's hot path, so it writes straight into the output buffer through a
** cursor after one capacity check per value, keeps the record CRC in a local, and hands data to
** zlib in 64 KiB chunks rather than per record. zlib's output does not depend on how the input
** is split between deflate(Z_NO_FLUSH) calls, so chunking keeps the bytes identical to the SDKs'
** (Java DeflaterOutputStream, pyodps zlib.compressobj), which feed zlib in their own sizes and
** finish with Z_FINISH; level 1, window 15, memLevel 8 and the default strategy are both SDKs'
** defaults.
**
** The reader is deliberately strict: it accepts only the canonical bytes a writer produces, so a
** successful decode re-encodes to the same bytes (the fuzz target checks exactly that), and
** every failure names the byte offset where the stream went wrong.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/maxcompute/wire.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <zlib.h>

#include "base/numfmt.h"
#include "connectors/maxcompute/crc32c.h"

#define DEFLATE_CHUNK (64 * 1024)
#define NANOS_PER_SEC 1000000000

struct sl_mc_colenc {
    const sl_mc_type *type;
    uint8_t tag[5];
    uint8_t taglen;
    uint8_t fieldno[4]; /* the field number as int32 LE: the CRC input before each value */
};

/* End-of-record, count and stream-CRC tags as varint bytes (field << 3 | 0). */
static const uint8_t tag_end_record[4] = {0x80, 0xc0, 0xff, 0x7f};
static const uint8_t tag_count[4] = {0xf0, 0xff, 0xff, 0x7f};
static const uint8_t tag_stream_crc[4] = {0xf8, 0xff, 0xff, 0x7f};

/* ---- primitives ----------------------------------------------------------------------------- */

static inline void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/*
** floor(a / b) and the matching non-negative remainder for b > 0. Computed from C's truncating
** division and remainder, which cannot overflow, instead of a - floor(a / b) * b, whose product
** overflows for a near INT64_MIN (the fuzz target found that with a DATETIME of -2^63 ms).
*/
static inline void floor_divmod(int64_t a, int64_t b, int64_t *q, int64_t *r)
{
    int64_t qq = a / b, rr = a % b;
    if (rr < 0) {
        rr += b;
        qq -= 1;
    }
    *q = qq;
    *r = rr;
}

/* Room for need more bytes plus the NUL sl_buf keeps after its data. */
static inline void ensure(sl_buf *b, size_t need)
{
    if (SL_UNLIKELY(b->n + need + 1 > b->cap)) sl_buf_reserve(b, need);
}

/* Caller has ensured 10 bytes. */
static inline void put_varint_raw(sl_buf *b, uint64_t v)
{
    uint8_t *p = (uint8_t *)b->p + b->n;
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    b->n = (size_t)(p - (uint8_t *)b->p);
}

static inline void put_raw(sl_buf *b, const void *src, size_t n)
{
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

int sl_mc_put_varint(sl_buf *b, uint64_t v)
{
    ensure(b, 10);
    size_t before = b->n;
    put_varint_raw(b, v);
    b->p[b->n] = 0;
    return (int)(b->n - before);
}

int sl_mc_get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (int i = 0; i < 10; i++) {
        if (p >= end) return 0;
        uint8_t c = *p++;
        /* The tenth byte holds bit 63 only; anything more overflows or continues. */
        if (i == 9 && c > 1) return -1;
        v |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80)) {
            if (c == 0 && i > 0) return -1; /* a redundant zero group: not minimal */
            *out = v;
            *pp = p;
            return i + 1;
        }
    }
    return -1;
}

/*
** FLOAT columns travel as 4 IEEE bytes but sluice keeps FLOAT values widened to double. The
** hardware conversions quieten signalling NaNs, so NaNs are moved bit by bit instead: the payload
** survives decode + encode unchanged. Non-NaN values use the ordinary (exact or rounding) casts.
*/
static uint32_t float_bits_from_double(double d)
{
    if (d != d) {
        uint64_t u;
        memcpy(&u, &d, 8);
        uint32_t mant = (uint32_t)(u >> 29) & 0x7fffff;
        if (mant == 0) mant = 0x400000; /* payload only in dropped bits: keep it a NaN */
        return (uint32_t)(u >> 63) << 31 | 0x7f800000u | mant;
    }
    float f = (float)d;
    uint32_t r;
    memcpy(&r, &f, 4);
    return r;
}

static double double_from_float_bits(uint32_t r)
{
    if ((r & 0x7f800000u) == 0x7f800000u && (r & 0x7fffff)) {
        uint64_t u =
            (uint64_t)(r >> 31) << 63 | UINT64_C(0x7ff) << 52 | (uint64_t)(r & 0x7fffff) << 29;
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    float f;
    memcpy(&f, &r, 4);
    return (double)f;
}

static const char *vtag_name(int tag)
{
    static const char *const names[] = {"NULL",   "BOOLEAN", "INT",  "DOUBLE", "DECIMAL",
                                        "STRING", "BYTES",   "DATE", "TIME",   "TIMESTAMP",
                                        "ARRAY",  "MAP",     "ROW"};
    return tag >= 0 && tag < (int)SL_ARRAY_LEN(names) ? names[tag] : "?";
}

/* ---- writer --------------------------------------------------------------------------------- */

static int bad_value(const sl_mc_type *t, const sl_value *v, sl_err *err)
{
    return sl_err_set(err, SL_DATA, "a %s value does not fit column type %s", vtag_name(v->tag),
                      sl_mc_typeid_name(t->id));
}

static int enc_value(sl_mc_writer *w, sl_buf *b, const sl_mc_type *t, const sl_value *v,
                     uint32_t *crc, sl_err *err);

/* Length-prefixed bytes: the CRC sees the bytes only. */
static int enc_bytes(sl_mc_writer *w, sl_buf *b, const void *p, size_t n, uint32_t *crc,
                     sl_err *err)
{
    if (w->max_field_size && n > w->max_field_size)
        return sl_err_set(err, SL_DATA, "value of %zu bytes exceeds the field size limit of %u", n,
                          (unsigned)w->max_field_size);
    ensure(b, n + 10);
    put_varint_raw(b, n);
    if (n) put_raw(b, p, n);
    *crc = sl_mc_crc32c(*crc, p, n);
    return SL_OK;
}

/* Elements of an array (or one half of a map): each a null flag, then the value if any. */
static int enc_list(sl_mc_writer *w, sl_buf *b, const sl_mc_type *et, const sl_value *list,
                    uint32_t n, uint32_t *crc, sl_err *err)
{
    ensure(b, 10);
    put_varint_raw(b, n);
    for (uint32_t i = 0; i < n; i++) {
        ensure(b, 1);
        if (list[i].tag == SL_V_NULL) {
            b->p[b->n++] = 1;
            continue;
        }
        b->p[b->n++] = 0;
        int rc = enc_value(w, b, et, &list[i], crc, err);
        if (rc != SL_OK) {
            sl_err_prefix(err, "element %u: ", (unsigned)i);
            return rc;
        }
    }
    return SL_OK;
}

/* (seconds, nanos) of TIMESTAMP-like columns; nanos must be normalised. */
static int enc_sec_nanos(sl_buf *b, int64_t sec, uint32_t nanos, uint32_t *crc, sl_err *err)
{
    if (nanos >= NANOS_PER_SEC)
        return sl_err_set(err, SL_DATA, "nanoseconds %u out of range", (unsigned)nanos);
    ensure(b, 20);
    put_varint_raw(b, sl_mc_zigzag(sec));
    put_varint_raw(b, sl_mc_zigzag(nanos));
    uint8_t tmp[12];
    put_le64(tmp, (uint64_t)sec);
    put_le32(tmp + 8, nanos);
    *crc = sl_mc_crc32c(*crc, tmp, 12);
    return SL_OK;
}

/* Milliseconds of a (seconds, nanos) instant, floored; -1 when it overflows int64. */
static int instant_ms(int64_t sec, uint32_t nanos, int64_t *ms)
{
    __int128 x = (__int128)sec * 1000 + nanos / 1000000;
    if (x < INT64_MIN || x > INT64_MAX) return -1;
    *ms = (int64_t)x;
    return 0;
}

static int enc_value(sl_mc_writer *w, sl_buf *b, const sl_mc_type *t, const sl_value *v,
                     uint32_t *crc, sl_err *err)
{
    int64_t x;
    uint8_t tmp[8];
    switch (t->id) {
    case SL_MC_BIGINT:
        if (v->tag != SL_V_INT) return bad_value(t, v, err);
        x = v->u.i;
        break;
    case SL_MC_INT:
    case SL_MC_SMALLINT:
    case SL_MC_TINYINT: {
        if (v->tag != SL_V_INT) return bad_value(t, v, err);
        x = v->u.i;
        int64_t lim = t->id == SL_MC_INT        ? INT32_MAX
                      : t->id == SL_MC_SMALLINT ? INT16_MAX
                                                : INT8_MAX;
        if (x > lim || x < -lim - 1)
            return sl_err_set(err, SL_DATA, "%lld out of range for %s", (long long)x,
                              sl_mc_typeid_name(t->id));
        break;
    }
    case SL_MC_BOOLEAN:
        if (v->tag != SL_V_BOOL) return bad_value(t, v, err);
        tmp[0] = v->u.i != 0;
        ensure(b, 1);
        b->p[b->n++] = (char)tmp[0];
        *crc = sl_mc_crc32c(*crc, tmp, 1);
        return SL_OK;
    case SL_MC_DATETIME:
        if (v->tag == SL_V_TIMESTAMP) {
            if (v->n >= NANOS_PER_SEC || instant_ms(v->u.i, v->n, &x) != 0)
                return sl_err_set(err, SL_DATA, "datetime out of range");
        } else if (v->tag == SL_V_INT) {
            x = v->u.i;
        } else {
            return bad_value(t, v, err);
        }
        break;
    case SL_MC_DATE:
        if (v->tag != SL_V_DATE && v->tag != SL_V_INT) return bad_value(t, v, err);
        x = v->u.i;
        break;
    case SL_MC_INTERVAL_YEAR_MONTH:
        if (v->tag != SL_V_INT) return bad_value(t, v, err);
        x = v->u.i;
        break;
    case SL_MC_DOUBLE: {
        if (v->tag != SL_V_DOUBLE) return bad_value(t, v, err);
        uint64_t bits;
        memcpy(&bits, &v->u.d, 8);
        ensure(b, 8);
        put_le64((uint8_t *)b->p + b->n, bits);
        *crc = sl_mc_crc32c(*crc, b->p + b->n, 8);
        b->n += 8;
        return SL_OK;
    }
    case SL_MC_FLOAT: {
        if (v->tag != SL_V_DOUBLE) return bad_value(t, v, err);
        ensure(b, 4);
        put_le32((uint8_t *)b->p + b->n, float_bits_from_double(v->u.d));
        *crc = sl_mc_crc32c(*crc, b->p + b->n, 4);
        b->n += 4;
        return SL_OK;
    }
    case SL_MC_STRING:
    case SL_MC_BINARY:
    case SL_MC_CHAR:
    case SL_MC_VARCHAR:
    case SL_MC_JSON:
        if (v->tag != SL_V_STRING && v->tag != SL_V_BYTES) return bad_value(t, v, err);
        return enc_bytes(w, b, v->u.z, v->n, crc, err);
    case SL_MC_DECIMAL:
        if (v->tag != SL_V_DECIMAL) return bad_value(t, v, err);
        sl_buf_reset(&w->scratch);
        sl_format_decimal_plain(&w->scratch, sl_decimal_unscaled(v), v->scale);
        return enc_bytes(w, b, w->scratch.p, w->scratch.n, crc, err);
    case SL_MC_TIMESTAMP:
    case SL_MC_TIMESTAMP_NTZ:
        if (v->tag != SL_V_TIMESTAMP) return bad_value(t, v, err);
        return enc_sec_nanos(b, v->u.i, v->n, crc, err);
    case SL_MC_INTERVAL_DAY_TIME:
        if (v->tag == SL_V_TIMESTAMP) return enc_sec_nanos(b, v->u.i, v->n, crc, err);
        if (v->tag == SL_V_INT) {
            int64_t sec, ms;
            floor_divmod(v->u.i, 1000, &sec, &ms);
            return enc_sec_nanos(b, sec, (uint32_t)ms * 1000000u, crc, err);
        }
        return bad_value(t, v, err);
    case SL_MC_ARRAY:
        if (v->tag != SL_V_ARRAY) return bad_value(t, v, err);
        return enc_list(w, b, t->elem, v->u.list, v->n, crc, err);
    case SL_MC_MAP: {
        if (v->tag != SL_V_MAP) return bad_value(t, v, err);
        int rc = enc_list(w, b, t->elem, v->u.list, v->n, crc, err);
        if (rc != SL_OK) {
            sl_err_prefix(err, "map key ");
            return rc;
        }
        rc = enc_list(w, b, t->val, v->n ? v->u.list + v->n : NULL, v->n, crc, err);
        if (rc != SL_OK) sl_err_prefix(err, "map value ");
        return rc;
    }
    case SL_MC_STRUCT:
        if (v->tag != SL_V_ROW) return bad_value(t, v, err);
        if ((int)v->n != t->nfields)
            return sl_err_set(err, SL_DATA, "struct value has %u fields, the type has %d",
                              (unsigned)v->n, t->nfields);
        for (int i = 0; i < t->nfields; i++) {
            const sl_value *f = &v->u.list[i];
            ensure(b, 1);
            if (f->tag == SL_V_NULL) {
                b->p[b->n++] = 1;
                continue;
            }
            b->p[b->n++] = 0;
            int rc = enc_value(w, b, t->fields[i].type, f, crc, err);
            if (rc != SL_OK) {
                sl_err_prefix(err, "struct field '%s': ", t->fields[i].name);
                return rc;
            }
        }
        return SL_OK;
    default: return sl_err_set(err, SL_INTERNAL, "unknown maxcompute type id %d", t->id);
    }
    /* The zigzag varint family: BIGINT..TINYINT, DATETIME, DATE, INTERVAL_YEAR_MONTH. */
    ensure(b, 10);
    put_varint_raw(b, sl_mc_zigzag(x));
    put_le64(tmp, (uint64_t)x);
    *crc = sl_mc_crc32c(*crc, tmp, 8);
    return SL_OK;
}

/* Give the pending uncompressed bytes to zlib; flush is Z_NO_FLUSH or Z_FINISH. */
static int deflate_pending(sl_mc_writer *w, int flush, sl_err *err)
{
    z_stream *z = w->z;
    const uint8_t *in = (const uint8_t *)w->raw.p;
    size_t left = w->raw.n;
    for (;;) {
        /* zlib counts in uInt; feed at most 1 GiB per call. */
        if (z->avail_in == 0 && left) {
            uInt take = (uInt)SL_MIN(left, (size_t)1 << 30);
            z->next_in = (Bytef *)in;
            z->avail_in = take;
            in += take;
            left -= take;
        }
        int f = left ? Z_NO_FLUSH : flush;
        sl_buf_reserve(w->out, DEFLATE_CHUNK);
        size_t room = w->out->cap - w->out->n - 1;
        z->next_out = (Bytef *)w->out->p + w->out->n;
        z->avail_out = (uInt)SL_MIN(room, (size_t)UINT_MAX);
        uInt before = z->avail_out;
        int zr = deflate(z, f);
        w->out->n += before - z->avail_out;
        w->out->p[w->out->n] = 0;
        if (zr == Z_STREAM_END) break;
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            return sl_err_set(err, SL_INTERNAL, "zlib deflate failed (%d)", zr);
        /* With Z_NO_FLUSH the call is done once every input byte went in and output had room. */
        if (f == Z_NO_FLUSH && !left && z->avail_in == 0 && z->avail_out != 0) break;
    }
    sl_buf_reset(&w->raw);
    return SL_OK;
}

int sl_mc_writer_init(sl_mc_writer *w, const sl_mc_schema *schema, const sl_mc_writer_opts *opts,
                      sl_buf *out, sl_err *err)
{
    memset(w, 0, sizeof *w);
    if (schema->ncol < 0 || schema->ncol > SL_MC_MAX_COLUMNS)
        return sl_err_set(err, SL_MISUSE, "maxcompute schema with %d columns", schema->ncol);
    w->schema = schema;
    w->out = out;
    w->out_start = out->n;
    if (opts) {
        w->compress = opts->compress;
        w->level = opts->level ? opts->level : 1;
        w->max_field_size = opts->max_field_size;
    }
    if (w->compress != SL_MC_COMPRESS_NONE && w->compress != SL_MC_COMPRESS_DEFLATE)
        return sl_err_set(err, SL_MISUSE, "unknown compression %d", w->compress);
    if (w->compress == SL_MC_COMPRESS_DEFLATE) {
        if (w->level < 1 || w->level > 9)
            return sl_err_set(err, SL_MISUSE, "deflate level %d is not 1..9", w->level);
        z_stream *z = sl_calloc(1, sizeof *z);
        /* windowBits 15 + zlib wrapper, memLevel 8, default strategy: deflateInit's defaults. */
        if (deflateInit2(z, w->level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            sl_free(z);
            return sl_err_set(err, SL_INTERNAL, "zlib deflateInit failed");
        }
        w->z = z;
    }
    w->enc = sl_calloc((size_t)(schema->ncol ? schema->ncol : 1), sizeof *w->enc);
    for (int i = 0; i < schema->ncol; i++) {
        sl_mc_colenc *ce = &w->enc[i];
        uint32_t field = (uint32_t)i + 1;
        ce->type = schema->cols[i].type;
        uint64_t tag = (uint64_t)field << 3 | ce->type->wire;
        int k = 0;
        while (tag >= 0x80) {
            ce->tag[k++] = (uint8_t)(tag | 0x80);
            tag >>= 7;
        }
        ce->tag[k++] = (uint8_t)tag;
        ce->taglen = (uint8_t)k;
        put_le32(ce->fieldno, field);
    }
    return SL_OK;
}

int sl_mc_write_record(sl_mc_writer *w, const sl_value *vals, int nvals, sl_err *err)
{
    if (w->finished) return sl_err_set(err, SL_MISUSE, "record written after the stream ended");
    if (nvals < 0 || nvals > w->schema->ncol)
        return sl_err_set(err, SL_MISUSE, "record has %d values, the schema %d columns", nvals,
                          w->schema->ncol);
    sl_buf *b = w->compress ? &w->raw : w->out;
    size_t mark = b->n;
    uint32_t crc = 0;
    for (int i = 0; i < nvals; i++) {
        const sl_value *v = &vals[i];
        if (v->tag == SL_V_NULL) continue;
        const sl_mc_colenc *ce = &w->enc[i];
        ensure(b, 5);
        memcpy(b->p + b->n, ce->tag, 5); /* fixed-size copy; only taglen bytes count */
        b->n += ce->taglen;
        crc = sl_mc_crc32c(crc, ce->fieldno, 4);
        int rc = enc_value(w, b, ce->type, v, &crc, err);
        if (SL_UNLIKELY(rc != SL_OK)) {
            b->n = mark;
            b->p[mark] = 0;
            sl_err_prefix(err, "maxcompute column '%s' (#%d, %s): ", w->schema->cols[i].name, i + 1,
                          sl_mc_typeid_name(ce->type->id));
            return rc;
        }
    }
    ensure(b, 9);
    put_raw(b, tag_end_record, 4);
    put_varint_raw(b, crc);
    b->p[b->n] = 0;
    uint8_t le[4];
    put_le32(le, crc);
    w->stream_crc = sl_mc_crc32c(w->stream_crc, le, 4);
    w->records++;
    w->raw_bytes += b->n - mark;
    if (w->compress && w->raw.n >= DEFLATE_CHUNK) return deflate_pending(w, Z_NO_FLUSH, err);
    return SL_OK;
}

int sl_mc_writer_finish(sl_mc_writer *w, sl_err *err)
{
    if (w->finished) return sl_err_set(err, SL_MISUSE, "stream finished twice");
    sl_buf *b = w->compress ? &w->raw : w->out;
    size_t mark = b->n;
    ensure(b, 4 + 10 + 4 + 5);
    put_raw(b, tag_count, 4);
    put_varint_raw(b, sl_mc_zigzag((int64_t)w->records));
    put_raw(b, tag_stream_crc, 4);
    put_varint_raw(b, w->stream_crc);
    b->p[b->n] = 0;
    w->raw_bytes += b->n - mark;
    w->finished = 1;
    if (w->compress) return deflate_pending(w, Z_FINISH, err);
    return SL_OK;
}

void sl_mc_writer_restart(sl_mc_writer *w, sl_buf *out)
{
    w->out = out;
    w->out_start = out->n;
    w->records = 0;
    w->stream_crc = 0;
    w->raw_bytes = 0;
    w->finished = 0;
    sl_buf_reset(&w->raw);
    if (w->z) deflateReset(w->z);
}

uint64_t sl_mc_writer_records(const sl_mc_writer *w)
{
    return w->records;
}

uint64_t sl_mc_writer_raw_bytes(const sl_mc_writer *w)
{
    return w->raw_bytes;
}

uint64_t sl_mc_writer_size(const sl_mc_writer *w)
{
    return (uint64_t)(w->out->n - w->out_start) + w->raw.n;
}

void sl_mc_writer_free(sl_mc_writer *w)
{
    if (w->z) {
        deflateEnd(w->z);
        sl_free(w->z);
        w->z = NULL;
    }
    sl_free(w->enc);
    w->enc = NULL;
    sl_buf_free(&w->raw);
    sl_buf_free(&w->scratch);
}

/* ---- reader --------------------------------------------------------------------------------- */

typedef struct dec {
    const uint8_t *base, *p, *end;
    sl_arena *ar;
    sl_err *err;
    size_t *err_offset;
} dec;

static int derr(dec *d, const uint8_t *at, const char *fmt, ...) SL_PRINTF(3, 4);

static int derr(dec *d, const uint8_t *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t off = (size_t)(at - d->base);
    *d->err_offset = off;
    return sl_err_set(d->err, SL_DATA, "maxcompute record stream: %s at byte %zu", msg, off);
}

static int rd_varint(dec *d, uint64_t *out, const char *what)
{
    const uint8_t *at = d->p;
    if (SL_LIKELY(d->p < d->end && *d->p < 0x80)) {
        *out = *d->p++;
        return SL_OK;
    }
    int k = sl_mc_get_varint(&d->p, d->end, out);
    if (k > 0) return SL_OK;
    if (k == 0) return derr(d, at, "input ends inside %s", what);
    return derr(d, at, "malformed varint (%s)", what);
}

static int rd_flag(dec *d, int *is_null)
{
    if (d->p >= d->end) return derr(d, d->p, "input ends before a null flag");
    if (*d->p > 1) return derr(d, d->p, "null flag %u is not 0 or 1", *d->p);
    *is_null = *d->p++;
    return SL_OK;
}

static int dec_value(dec *d, const sl_mc_type *t, sl_value *out, uint32_t *crc, int depth);

static int dec_list(dec *d, const sl_mc_type *et, uint64_t count, sl_value *list, uint32_t *crc,
                    int depth)
{
    for (uint64_t i = 0; i < count; i++) {
        int is_null = 0;
        int rc = rd_flag(d, &is_null);
        if (rc != SL_OK) return rc;
        list[i] = sl_null();
        if (!is_null && (rc = dec_value(d, et, &list[i], crc, depth + 1)) != SL_OK) return rc;
    }
    return SL_OK;
}

/* An element count, bounded by the input left: every element takes at least one byte. */
static int rd_count(dec *d, uint64_t *count)
{
    const uint8_t *at = d->p;
    int rc = rd_varint(d, count, "an element count");
    if (rc != SL_OK) return rc;
    if (*count > (uint64_t)(d->end - d->p) || *count > UINT32_MAX)
        return derr(d, at, "element count %llu exceeds the input left", (unsigned long long)*count);
    return SL_OK;
}

/*
** Decimal text as BigDecimal.toPlainString writes it: -?digits(.digits)? with no leading zero in
** the integer part unless it is "0", and no sign on zero. At most 38 significant digits and a
** scale of at most 38, so the value fits the __int128 of sl_value.
*/
static int dec_decimal(dec *d, const uint8_t *s, size_t n, sl_value *out)
{
    const uint8_t *at = s;
    size_t i = 0;
    int neg = 0, nd = 0, scale = 0;
    unsigned __int128 u = 0;
    if (i < n && s[i] == '-') neg = 1, i++;
    size_t int_start = i;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (nd || s[i] != '0') {
            if (++nd > 38) return derr(d, at, "decimal with more than 38 digits");
            u = u * 10 + (unsigned)(s[i] - '0');
        }
    }
    size_t int_len = i - int_start;
    if (int_len == 0) return derr(d, at, "decimal text without integer digits");
    if (int_len > 1 && s[int_start] == '0') return derr(d, at, "decimal text with a leading zero");
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (++scale > 38) return derr(d, at, "decimal scale above 38");
            if (nd || s[i] != '0') {
                if (++nd > 38) return derr(d, at, "decimal with more than 38 digits");
                u = u * 10 + (unsigned)(s[i] - '0');
            }
        }
        if (scale == 0) return derr(d, at, "decimal text ends with '.'");
    }
    if (i != n) return derr(d, at, "malformed decimal text");
    if (neg && u == 0) return derr(d, at, "negative zero decimal");
    __int128 v = neg ? -(__int128)u : (__int128)u;
    *out = sl_decimal(d->ar, v, scale);
    return SL_OK;
}

static int dec_zigzag(dec *d, int64_t *x, const char *what)
{
    uint64_t u;
    int rc = rd_varint(d, &u, what);
    if (rc != SL_OK) return rc;
    *x = sl_mc_unzigzag(u);
    return SL_OK;
}

static int dec_sec_nanos(dec *d, int64_t *sec, uint32_t *nanos, uint32_t *crc)
{
    int64_t s, ns;
    int rc = dec_zigzag(d, &s, "seconds");
    if (rc != SL_OK) return rc;
    const uint8_t *at = d->p;
    if ((rc = dec_zigzag(d, &ns, "nanoseconds")) != SL_OK) return rc;
    if (ns < 0 || ns >= NANOS_PER_SEC)
        return derr(d, at, "nanoseconds %lld out of range", (long long)ns);
    uint8_t tmp[12];
    put_le64(tmp, (uint64_t)s);
    put_le32(tmp + 8, (uint32_t)ns);
    *crc = sl_mc_crc32c(*crc, tmp, 12);
    *sec = s;
    *nanos = (uint32_t)ns;
    return SL_OK;
}

static int dec_value(dec *d, const sl_mc_type *t, sl_value *out, uint32_t *crc, int depth)
{
    const uint8_t *at = d->p;
    int64_t x;
    int rc;
    uint8_t tmp[8];
    if (depth > SL_MC_MAX_TYPE_DEPTH) return derr(d, at, "type nested too deeply");
    switch (t->id) {
    case SL_MC_BIGINT:
    case SL_MC_INT:
    case SL_MC_SMALLINT:
    case SL_MC_TINYINT:
    case SL_MC_DATETIME:
    case SL_MC_DATE:
    case SL_MC_INTERVAL_YEAR_MONTH:
        if ((rc = dec_zigzag(d, &x, sl_mc_typeid_name(t->id))) != SL_OK) return rc;
        if (t->id == SL_MC_INT || t->id == SL_MC_SMALLINT || t->id == SL_MC_TINYINT) {
            int64_t lim = t->id == SL_MC_INT        ? INT32_MAX
                          : t->id == SL_MC_SMALLINT ? INT16_MAX
                                                    : INT8_MAX;
            if (x > lim || x < -lim - 1)
                return derr(d, at, "%lld out of range for %s", (long long)x,
                            sl_mc_typeid_name(t->id));
        }
        put_le64(tmp, (uint64_t)x);
        *crc = sl_mc_crc32c(*crc, tmp, 8);
        if (t->id == SL_MC_DATETIME) {
            int64_t sec, ms;
            floor_divmod(x, 1000, &sec, &ms);
            *out = sl_timestamp(sec, (uint32_t)ms * 1000000u);
        } else if (t->id == SL_MC_DATE) {
            *out = sl_date(x);
        } else {
            *out = sl_int(x);
        }
        return SL_OK;
    case SL_MC_BOOLEAN:
        if (d->p >= d->end) return derr(d, at, "input ends inside a boolean");
        if (*d->p > 1) return derr(d, at, "boolean %u is not 0 or 1", *d->p);
        *crc = sl_mc_crc32c(*crc, d->p, 1);
        *out = sl_bool(*d->p++);
        return SL_OK;
    case SL_MC_DOUBLE: {
        if (d->end - d->p < 8) return derr(d, at, "input ends inside a double");
        uint64_t bits = get_le64(d->p);
        *crc = sl_mc_crc32c(*crc, d->p, 8);
        d->p += 8;
        double v;
        memcpy(&v, &bits, 8);
        *out = sl_double(v);
        return SL_OK;
    }
    case SL_MC_FLOAT:
        if (d->end - d->p < 4) return derr(d, at, "input ends inside a float");
        *crc = sl_mc_crc32c(*crc, d->p, 4);
        *out = sl_double(double_from_float_bits(get_le32(d->p)));
        d->p += 4;
        return SL_OK;
    case SL_MC_STRING:
    case SL_MC_BINARY:
    case SL_MC_CHAR:
    case SL_MC_VARCHAR:
    case SL_MC_JSON:
    case SL_MC_DECIMAL: {
        uint64_t len;
        if ((rc = rd_varint(d, &len, "a length")) != SL_OK) return rc;
        if (len > (uint64_t)(d->end - d->p) || len > UINT32_MAX)
            return derr(d, at, "length %llu exceeds the input left", (unsigned long long)len);
        const uint8_t *s = d->p;
        d->p += len;
        *crc = sl_mc_crc32c(*crc, s, (size_t)len);
        if (t->id == SL_MC_DECIMAL) return dec_decimal(d, s, (size_t)len, out);
        *out = t->id == SL_MC_BINARY ? sl_bytes(s, (size_t)len) : sl_string((const char *)s, len);
        return SL_OK;
    }
    case SL_MC_TIMESTAMP:
    case SL_MC_TIMESTAMP_NTZ:
    case SL_MC_INTERVAL_DAY_TIME: {
        int64_t sec = 0;
        uint32_t nanos = 0;
        if ((rc = dec_sec_nanos(d, &sec, &nanos, crc)) != SL_OK) return rc;
        *out = sl_timestamp(sec, nanos);
        return SL_OK;
    }
    case SL_MC_ARRAY: {
        uint64_t count;
        if ((rc = rd_count(d, &count)) != SL_OK) return rc;
        sl_value *list = count ? sl_arena_alloc(d->ar, (size_t)count * sizeof *list) : NULL;
        if ((rc = dec_list(d, t->elem, count, list, crc, depth)) != SL_OK) return rc;
        sl_value v = {0};
        v.tag = SL_V_ARRAY;
        v.n = (uint32_t)count;
        v.u.list = list;
        *out = v;
        return SL_OK;
    }
    case SL_MC_MAP: {
        uint64_t nkeys, nvals;
        if ((rc = rd_count(d, &nkeys)) != SL_OK) return rc;
        /* Keys and values share one allocation: n keys then n values, as sl_value wants. */
        sl_value *list = nkeys ? sl_arena_alloc(d->ar, 2 * (size_t)nkeys * sizeof *list) : NULL;
        if ((rc = dec_list(d, t->elem, nkeys, list, crc, depth)) != SL_OK) return rc;
        const uint8_t *vat = d->p;
        if ((rc = rd_count(d, &nvals)) != SL_OK) return rc;
        if (nvals != nkeys)
            return derr(d, vat, "map has %llu keys but %llu values", (unsigned long long)nkeys,
                        (unsigned long long)nvals);
        if ((rc = dec_list(d, t->val, nvals, list ? list + nkeys : NULL, crc, depth)) != SL_OK)
            return rc;
        sl_value v = {0};
        v.tag = SL_V_MAP;
        v.n = (uint32_t)nkeys;
        v.u.list = list;
        *out = v;
        return SL_OK;
    }
    case SL_MC_STRUCT: {
        sl_value *list = sl_arena_alloc(d->ar, (size_t)SL_MAX(t->nfields, 1) * sizeof *list);
        for (int i = 0; i < t->nfields; i++) {
            int is_null = 0;
            if ((rc = rd_flag(d, &is_null)) != SL_OK) return rc;
            list[i] = sl_null();
            if (!is_null && (rc = dec_value(d, t->fields[i].type, &list[i], crc, depth + 1)))
                return rc;
        }
        sl_value v = {0};
        v.tag = SL_V_ROW;
        v.n = (uint32_t)t->nfields;
        v.u.list = list;
        *out = v;
        return SL_OK;
    }
    default: return derr(d, at, "column of unknown type id %d", t->id);
    }
}

void sl_mc_reader_init(sl_mc_reader *r, const sl_mc_schema *schema, const void *data, size_t n)
{
    memset(r, 0, sizeof *r);
    r->schema = schema;
    r->base = r->p = (const uint8_t *)data;
    r->end = r->base + n;
}

/* Decode the trailer after its count tag; d->p is past the tag. */
static int read_trailer(sl_mc_reader *r, dec *d)
{
    const uint8_t *at = d->p;
    int64_t count;
    int rc = dec_zigzag(d, &count, "the record count");
    if (rc != SL_OK) return rc;
    if (count < 0 || (uint64_t)count != r->records)
        return derr(d, at, "trailer counts %lld records, the stream has %llu", (long long)count,
                    (unsigned long long)r->records);
    at = d->p;
    uint64_t tag, crc;
    if ((rc = rd_varint(d, &tag, "the stream checksum tag")) != SL_OK) return rc;
    if (tag != (uint64_t)SL_MC_FIELD_STREAM_CRC << 3)
        return derr(d, at, "expected the stream checksum tag, found tag %llu",
                    (unsigned long long)tag);
    at = d->p;
    if ((rc = rd_varint(d, &crc, "the stream checksum")) != SL_OK) return rc;
    if (crc > UINT32_MAX || (!r->skip_checksums && (uint32_t)crc != r->stream_crc))
        return derr(d, at, "stream checksum 0x%08llx, computed 0x%08x", (unsigned long long)crc,
                    (unsigned)r->stream_crc);
    if (d->p != d->end)
        return derr(d, d->p, "%zu bytes after the stream trailer", (size_t)(d->end - d->p));
    r->p = d->p;
    r->done = 1;
    return SL_DONE;
}

int sl_mc_reader_next(sl_mc_reader *r, sl_arena *ar, sl_value *row, sl_err *err)
{
    if (r->done) return SL_DONE;
    const sl_mc_schema *s = r->schema;
    for (int i = 0; i < s->ncol; i++) row[i] = sl_null();
    dec d = {r->base, r->p, r->end, ar, err, &r->err_offset};
    uint32_t crc = 0, last = 0;
    for (;;) {
        const uint8_t *at = d.p;
        if (d.p >= d.end)
            return derr(&d, at, last ? "input ends inside a record" : "missing stream trailer");
        uint64_t tag;
        int rc = rd_varint(&d, &tag, "a tag");
        if (rc != SL_OK) return rc;
        uint64_t field = tag >> 3;
        unsigned wt = (unsigned)(tag & 7);
        if (field == SL_MC_FIELD_END_RECORD && wt == 0) {
            const uint8_t *cat = d.p;
            uint64_t stored;
            if ((rc = rd_varint(&d, &stored, "a record checksum")) != SL_OK) return rc;
            if (stored > UINT32_MAX || (!r->skip_checksums && (uint32_t)stored != crc))
                return derr(&d, cat, "record %llu checksum 0x%08llx, computed 0x%08x",
                            (unsigned long long)r->records, (unsigned long long)stored,
                            (unsigned)crc);
            uint8_t le[4];
            put_le32(le, crc);
            r->stream_crc = sl_mc_crc32c(r->stream_crc, le, 4);
            r->records++;
            r->p = d.p;
            return SL_ROW;
        }
        if (field == SL_MC_FIELD_RECORD_COUNT && wt == 0) {
            if (last) return derr(&d, at, "stream trailer inside a record");
            return read_trailer(r, &d);
        }
        if (field == 0 || field > (uint64_t)s->ncol)
            return derr(&d, at, "unexpected tag %llu (field %llu, wire type %u)",
                        (unsigned long long)tag, (unsigned long long)field, wt);
        if (field <= last)
            return derr(&d, at, "field %llu after field %u (fields must ascend)",
                        (unsigned long long)field, (unsigned)last);
        const sl_mc_column *col = &s->cols[field - 1];
        if (wt != col->type->wire)
            return derr(&d, at, "wire type %u for column '%s' (%s), expected %u", wt, col->name,
                        sl_mc_typeid_name(col->type->id), col->type->wire);
        last = (uint32_t)field;
        uint8_t le[4];
        put_le32(le, last);
        crc = sl_mc_crc32c(crc, le, 4);
        if ((rc = dec_value(&d, col->type, &row[field - 1], &crc, 0)) != SL_OK) return rc;
    }
}

int sl_mc_decode(const sl_mc_schema *schema, const void *data, size_t n, sl_arena *ar,
                 sl_value **rows, size_t *nrows, sl_err *err)
{
    sl_mc_reader r;
    sl_mc_reader_init(&r, schema, data, n);
    sl_buf acc = SL_BUF_INIT;
    size_t row_bytes = (size_t)schema->ncol * sizeof(sl_value);
    size_t count = 0;
    int rc;
    for (;;) {
        sl_buf_reserve(&acc, row_bytes);
        /* The buffer only grows between records, so the row pointer is stable during a call. */
        rc = sl_mc_reader_next(&r, ar, (sl_value *)(void *)(acc.p + acc.n), err);
        if (rc != SL_ROW) break;
        acc.n += row_bytes;
        count++;
    }
    if (rc == SL_DONE) {
        *rows = count && row_bytes ? sl_arena_memdup(ar, acc.p, acc.n) : NULL;
        *nrows = count;
        rc = SL_OK;
    }
    sl_buf_free(&acc);
    return rc;
}

int sl_mc_inflate(const void *data, size_t n, size_t max_out, sl_buf *out, sl_err *err)
{
    if (max_out == 0) max_out = (size_t)1 << 30;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) return sl_err_set(err, SL_INTERNAL, "zlib inflateInit failed");
    const uint8_t *in = data;
    size_t left = n, start = out->n;
    int rc = SL_OK;
    for (;;) {
        if (z.avail_in == 0 && left) {
            uInt take = (uInt)SL_MIN(left, (size_t)1 << 30);
            z.next_in = (Bytef *)in;
            z.avail_in = take;
            in += take;
            left -= take;
        }
        sl_buf_reserve(out, DEFLATE_CHUNK);
        size_t room = SL_MIN(out->cap - out->n - 1, (size_t)UINT_MAX);
        z.next_out = (Bytef *)out->p + out->n;
        z.avail_out = (uInt)room;
        int zr = inflate(&z, Z_NO_FLUSH);
        out->n += room - z.avail_out;
        out->p[out->n] = 0;
        if (out->n - start > max_out) {
            rc = sl_err_set(err, SL_DATA, "inflated body exceeds %zu bytes", max_out);
            break;
        }
        if (zr == Z_STREAM_END) {
            if (z.avail_in || left)
                rc = sl_err_set(err, SL_DATA, "%zu bytes after the end of the zlib stream",
                                (size_t)z.avail_in + left);
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && !left) {
            rc = sl_err_set(err, SL_DATA, "zlib stream truncated after %zu bytes", n);
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = sl_err_set(err, SL_DATA, "corrupt zlib stream at input byte %zu (%s)",
                            (size_t)(n - left - z.avail_in), z.msg ? z.msg : "error");
            break;
        }
    }
    inflateEnd(&z);
    return rc;
}
