/*
** base/value.c — types, values, rows, changelog modes and key encoding (see value.h).
**
** SPDX-License-Identifier: MIT
*/
#include "base/value.h"

#include <stdio.h>

/* ---- types ---------------------------------------------------------------------------- */

static const char *const type_names[SL_TYPE__COUNT] = {
    [SL_TYPE_NULL] = "NULL",           [SL_TYPE_BOOLEAN] = "BOOLEAN",
    [SL_TYPE_TINYINT] = "TINYINT",     [SL_TYPE_SMALLINT] = "SMALLINT",
    [SL_TYPE_INT] = "INT",             [SL_TYPE_BIGINT] = "BIGINT",
    [SL_TYPE_FLOAT] = "FLOAT",         [SL_TYPE_DOUBLE] = "DOUBLE",
    [SL_TYPE_DECIMAL] = "DECIMAL",     [SL_TYPE_CHAR] = "CHAR",
    [SL_TYPE_VARCHAR] = "VARCHAR",     [SL_TYPE_BINARY] = "BINARY",
    [SL_TYPE_VARBINARY] = "VARBINARY", [SL_TYPE_DATE] = "DATE",
    [SL_TYPE_TIME] = "TIME",           [SL_TYPE_TIMESTAMP] = "TIMESTAMP",
    [SL_TYPE_TIMESTAMP_LTZ] = "TIMESTAMP_LTZ", [SL_TYPE_ARRAY] = "ARRAY",
    [SL_TYPE_MAP] = "MAP",             [SL_TYPE_ROW] = "ROW",
};

const char *sl_typeid_name(int id)
{
    return id >= 0 && id < SL_TYPE__COUNT ? type_names[id] : "?";
}

sl_type sl_type_make(sl_typeid id)
{
    sl_type t = {0};
    t.id = (uint8_t)id;
    switch (id) {
    case SL_TYPE_CHAR:
    case SL_TYPE_BINARY: t.length = 1; break;
    case SL_TYPE_VARCHAR:
    case SL_TYPE_VARBINARY: t.length = SL_MAX_LENGTH; break;
    case SL_TYPE_DECIMAL: t.precision = 10; break;
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ: t.precision = 6; break;
    default: break;
    }
    return t;
}

sl_type sl_type_string(void)
{
    return sl_type_make(SL_TYPE_VARCHAR);
}

sl_type sl_type_decimal(int precision, int scale)
{
    sl_type t = sl_type_make(SL_TYPE_DECIMAL);
    t.precision = (uint8_t)precision;
    t.scale = (uint8_t)scale;
    return t;
}

sl_type sl_type_timestamp(sl_typeid id, int precision)
{
    sl_type t = sl_type_make(id);
    t.precision = (uint8_t)precision;
    return t;
}

sl_type sl_type_copy(sl_arena *ar, const sl_type *t)
{
    sl_type c = *t;
    if (t->elem) {
        sl_type *e = sl_arena_alloc(ar, sizeof *e);
        *e = sl_type_copy(ar, t->elem);
        c.elem = e;
    }
    if (t->val) {
        sl_type *v = sl_arena_alloc(ar, sizeof *v);
        *v = sl_type_copy(ar, t->val);
        c.val = v;
    }
    if (t->fields) {
        sl_field *f = sl_arena_alloc(ar, sizeof(sl_field) * (size_t)(t->nfields ? t->nfields : 1));
        for (int i = 0; i < t->nfields; i++) {
            f[i].name = sl_arena_strdup(ar, t->fields[i].name);
            f[i].type = sl_type_copy(ar, &t->fields[i].type);
        }
        c.fields = f;
    }
    return c;
}

void sl_type_render(sl_buf *b, const sl_type *t)
{
    switch (t->id) {
    case SL_TYPE_VARCHAR:
        if (t->length == SL_MAX_LENGTH) sl_buf_puts(b, "STRING");
        else sl_buf_printf(b, "VARCHAR(%d)", t->length);
        break;
    case SL_TYPE_VARBINARY:
        if (t->length == SL_MAX_LENGTH) sl_buf_puts(b, "BYTES");
        else sl_buf_printf(b, "VARBINARY(%d)", t->length);
        break;
    case SL_TYPE_CHAR:
    case SL_TYPE_BINARY: sl_buf_printf(b, "%s(%d)", type_names[t->id], t->length); break;
    case SL_TYPE_DECIMAL: sl_buf_printf(b, "DECIMAL(%d, %d)", t->precision, t->scale); break;
    case SL_TYPE_TIME:
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ:
        sl_buf_printf(b, "%s(%d)", type_names[t->id], t->precision);
        break;
    case SL_TYPE_ARRAY:
        sl_buf_puts(b, "ARRAY<");
        sl_type_render(b, t->elem);
        sl_buf_putc(b, '>');
        break;
    case SL_TYPE_MAP:
        sl_buf_puts(b, "MAP<");
        sl_type_render(b, t->elem);
        sl_buf_puts(b, ", ");
        sl_type_render(b, t->val);
        sl_buf_putc(b, '>');
        break;
    case SL_TYPE_ROW:
        sl_buf_puts(b, "ROW<");
        for (int i = 0; i < t->nfields; i++) {
            if (i) sl_buf_puts(b, ", ");
            sl_buf_printf(b, "`%s` ", t->fields[i].name);
            sl_type_render(b, &t->fields[i].type);
        }
        sl_buf_putc(b, '>');
        break;
    default: sl_buf_puts(b, sl_typeid_name(t->id)); break;
    }
    if (t->not_null) sl_buf_puts(b, " NOT NULL");
}

int sl_type_is_integer(const sl_type *t)
{
    return t->id >= SL_TYPE_TINYINT && t->id <= SL_TYPE_BIGINT;
}

int sl_type_is_numeric(const sl_type *t)
{
    return t->id >= SL_TYPE_TINYINT && t->id <= SL_TYPE_DECIMAL;
}

int sl_type_is_string(const sl_type *t)
{
    return t->id == SL_TYPE_CHAR || t->id == SL_TYPE_VARCHAR;
}

int sl_type_is_binary(const sl_type *t)
{
    return t->id == SL_TYPE_BINARY || t->id == SL_TYPE_VARBINARY;
}

int sl_type_equal(const sl_type *a, const sl_type *b)
{
    if (a->id != b->id) return 0;
    switch (a->id) {
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR:
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY: return a->length == b->length;
    case SL_TYPE_DECIMAL: return a->precision == b->precision && a->scale == b->scale;
    case SL_TYPE_TIME:
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ: return a->precision == b->precision;
    case SL_TYPE_ARRAY: return sl_type_equal(a->elem, b->elem);
    case SL_TYPE_MAP: return sl_type_equal(a->elem, b->elem) && sl_type_equal(a->val, b->val);
    case SL_TYPE_ROW:
        if (a->nfields != b->nfields) return 0;
        for (int i = 0; i < a->nfields; i++)
            if (strcmp(a->fields[i].name, b->fields[i].name) ||
                !sl_type_equal(&a->fields[i].type, &b->fields[i].type))
                return 0;
        return 1;
    default: return 1;
    }
}

/* ---- values --------------------------------------------------------------------------- */

sl_value sl_decimal(sl_arena *ar, __int128 unscaled, int scale)
{
    sl_value v = {0};
    v.tag = SL_V_DECIMAL;
    v.scale = (uint16_t)scale;
    if (unscaled >= INT64_MIN && unscaled <= INT64_MAX) {
        v.u.i = (int64_t)unscaled;
    } else {
        __int128 *w = sl_arena_alloc(ar, sizeof *w);
        *w = unscaled;
        v.flags |= SL_VF_WIDE;
        v.u.wide = w;
    }
    return v;
}

__int128 sl_decimal_unscaled(const sl_value *v)
{
    return (v->flags & SL_VF_WIDE) ? *v->u.wide : (__int128)v->u.i;
}

static int list_len(const sl_value *v)
{
    return v->tag == SL_V_MAP ? 2 * (int)v->n : (int)v->n;
}

int sl_value_equal(const sl_value *a, const sl_value *b)
{
    if (a->tag != b->tag) return 0;
    switch (a->tag) {
    case SL_V_NULL: return 1;
    case SL_V_BOOL:
    case SL_V_INT:
    case SL_V_DATE:
    case SL_V_TIME: return a->u.i == b->u.i;
    case SL_V_DOUBLE: return memcmp(&a->u.d, &b->u.d, sizeof(double)) == 0;
    case SL_V_DECIMAL:
        return a->scale == b->scale && sl_decimal_unscaled(a) == sl_decimal_unscaled(b);
    case SL_V_STRING:
    case SL_V_BYTES: return a->n == b->n && (a->n == 0 || memcmp(a->u.z, b->u.z, a->n) == 0);
    case SL_V_TIMESTAMP: return a->u.i == b->u.i && a->n == b->n;
    case SL_V_ARRAY:
    case SL_V_MAP:
    case SL_V_ROW: {
        if (a->n != b->n) return 0;
        int n = list_len(a);
        for (int i = 0; i < n; i++)
            if (!sl_value_equal(&a->u.list[i], &b->u.list[i])) return 0;
        return 1;
    }
    }
    return 0;
}

#define ALIGN16(n) (((n) + 15) & ~(size_t)15)

size_t sl_value_extra_size(const sl_value *v)
{
    switch (v->tag) {
    case SL_V_STRING:
    case SL_V_BYTES: return ALIGN16((size_t)v->n);
    case SL_V_DECIMAL: return (v->flags & SL_VF_WIDE) ? ALIGN16(sizeof(__int128)) : 0;
    case SL_V_ARRAY:
    case SL_V_MAP:
    case SL_V_ROW: {
        int n = list_len(v);
        size_t sz = ALIGN16((size_t)n * sizeof(sl_value));
        for (int i = 0; i < n; i++) sz += sl_value_extra_size(&v->u.list[i]);
        return sz;
    }
    default: return 0;
    }
}

void sl_value_copy_into(sl_value *dst, const sl_value *v, char **heap)
{
    *dst = *v;
    switch (v->tag) {
    case SL_V_STRING:
    case SL_V_BYTES:
        if (v->n) memcpy(*heap, v->u.z, v->n);
        dst->u.z = *heap;
        *heap += ALIGN16((size_t)v->n);
        break;
    case SL_V_DECIMAL:
        if (v->flags & SL_VF_WIDE) {
            memcpy(*heap, v->u.wide, sizeof(__int128));
            dst->u.wide = (const __int128 *)(void *)*heap;
            *heap += ALIGN16(sizeof(__int128));
        }
        break;
    case SL_V_ARRAY:
    case SL_V_MAP:
    case SL_V_ROW: {
        int n = list_len(v);
        sl_value *items = (sl_value *)(void *)*heap;
        *heap += ALIGN16((size_t)n * sizeof(sl_value));
        for (int i = 0; i < n; i++) sl_value_copy_into(&items[i], &v->u.list[i], heap);
        dst->u.list = items;
        break;
    }
    default: break;
    }
}

sl_value sl_value_copy(sl_arena *ar, const sl_value *v)
{
    size_t extra = sl_value_extra_size(v);
    if (!extra) return *v;
    sl_value out;
    char *heap = sl_arena_alloc(ar, extra);
    sl_value_copy_into(&out, v, &heap);
    return out;
}

/* ---- rows ----------------------------------------------------------------------------- */

sl_row *sl_row_new(sl_arena *ar, int ncol)
{
    sl_row *row = sl_arena_calloc(ar, sizeof(sl_row) + (size_t)ncol * sizeof(sl_value));
    row->ncol = (uint16_t)ncol;
    return row;
}

static size_t row_head_size(const sl_row *row)
{
    return ALIGN16(sizeof(sl_row) + (size_t)row->ncol * sizeof(sl_value));
}

size_t sl_row_size(const sl_row *row)
{
    size_t sz = row_head_size(row);
    for (int i = 0; i < row->ncol; i++) sz += sl_value_extra_size(&row->col[i]);
    return sz;
}

static void row_copy_to(sl_row *dst, const sl_row *row)
{
    char *heap = (char *)dst + row_head_size(row);
    dst->kind = row->kind;
    dst->flags = row->flags;
    dst->ncol = row->ncol;
    dst->reserved = 0;
    for (int i = 0; i < row->ncol; i++) sl_value_copy_into(&dst->col[i], &row->col[i], &heap);
}

sl_row *sl_row_copy_into(void *mem, const sl_row *row)
{
    row_copy_to(mem, row);
    return mem;
}

sl_row *sl_row_dup(const sl_row *row)
{
    sl_row *dst = sl_malloc(sl_row_size(row));
    row_copy_to(dst, row);
    return dst;
}

sl_row *sl_row_copy(sl_arena *ar, const sl_row *row)
{
    sl_row *dst = sl_arena_alloc(ar, sl_row_size(row));
    row_copy_to(dst, row);
    return dst;
}

int sl_row_equal(const sl_row *a, const sl_row *b)
{
    if (a->ncol != b->ncol) return 0;
    for (int i = 0; i < a->ncol; i++)
        if (!sl_value_equal(&a->col[i], &b->col[i])) return 0;
    return 1;
}

/* ---- changelog modes ------------------------------------------------------------------ */

void sl_clmode_render(sl_buf *b, sl_clmode m)
{
    static const char *const names[] = {"I", "UB", "UA", "D"};
    int first = 1;
    sl_buf_putc(b, '[');
    for (int k = 0; k < SL_ROWKIND_COUNT; k++) {
        if (!(m & SL_CL_BIT(k))) continue;
        if (!first) sl_buf_putc(b, ',');
        sl_buf_puts(b, names[k]);
        first = 0;
    }
    sl_buf_putc(b, ']');
}

const char *sl_clmode_name(sl_clmode m)
{
    if (m == SL_CL_INSERT_ONLY) return "insert-only";
    if (m == SL_CL_UPSERT || m == (SL_CL_BIT(SL_UPDATE_AFTER) | SL_CL_BIT(SL_DELETE)))
        return "upsert";
    if (m == SL_CL_RETRACT) return "retract";
    return "changelog";
}

const char *sl_rowkind_str(int kind)
{
    static const char *const s[] = {"+I", "-U", "+U", "-D"};
    return kind >= 0 && kind < 4 ? s[kind] : "??";
}

/* ---- keys ----------------------------------------------------------------------------- */

static void put_be64(sl_buf *b, uint64_t x)
{
    unsigned char o[8];
    for (int i = 7; i >= 0; i--) {
        o[i] = (unsigned char)x;
        x >>= 8;
    }
    sl_buf_append(b, o, 8);
}

static void put_i64(sl_buf *b, int64_t i)
{
    put_be64(b, (uint64_t)i ^ (UINT64_C(1) << 63));
}

/* Strings: 0x00 is escaped as 0x00 0xff; the end is 0x00 0x00, so prefixes sort first. */
static void put_escaped(sl_buf *b, const char *z, size_t n)
{
    const char *end = z + n;
    for (;;) {
        const char *nul = memchr(z, 0, (size_t)(end - z));
        if (!nul) break;
        sl_buf_append(b, z, (size_t)(nul - z));
        sl_buf_append(b, "\0\xff", 2);
        z = nul + 1;
    }
    sl_buf_append(b, z, (size_t)(end - z));
    sl_buf_append(b, "\0\0", 2);
}

static void key_value(sl_buf *b, const sl_value *v)
{
    if (v->tag == SL_V_NULL) {
        sl_buf_putc(b, 0);
        return;
    }
    sl_buf_putc(b, (char)(1 + v->tag));
    switch (v->tag) {
    case SL_V_BOOL:
    case SL_V_INT:
    case SL_V_DATE:
    case SL_V_TIME: put_i64(b, v->u.i); break;
    case SL_V_DOUBLE: {
        uint64_t x;
        memcpy(&x, &v->u.d, 8);
        x = (x >> 63) ? ~x : x ^ (UINT64_C(1) << 63);
        put_be64(b, x);
        break;
    }
    case SL_V_DECIMAL: {
        __int128 u = sl_decimal_unscaled(v);
        sl_buf_putc(b, (char)v->scale);
        put_i64(b, (int64_t)(u >> 64));
        put_be64(b, (uint64_t)u);
        break;
    }
    case SL_V_STRING:
    case SL_V_BYTES: put_escaped(b, v->u.z, v->n); break;
    case SL_V_TIMESTAMP:
        put_i64(b, v->u.i);
        put_be64(b, v->n);
        break;
    case SL_V_ARRAY:
    case SL_V_MAP:
    case SL_V_ROW: {
        int n = list_len(v);
        put_be64(b, (uint64_t)n);
        for (int i = 0; i < n; i++) key_value(b, &v->u.list[i]);
        break;
    }
    }
}

void sl_key_encode(sl_buf *b, const sl_value *cols, const int *idx, int nkey)
{
    for (int k = 0; k < nkey; k++) key_value(b, &cols[idx[k]]);
}

void sl_key_prefetch(const sl_value *cols, const int *idx, int nkey)
{
    for (int k = 0; k < nkey; k++) {
        const sl_value *v = &cols[idx[k]];
        if (v->tag == SL_V_STRING || v->tag == SL_V_BYTES) __builtin_prefetch(v->u.z);
    }
}

/*
** A 64-bit multiply-mix hash: 8 bytes at a time, folded with a 128-bit multiply. Good
** distribution for hash tables; not a cryptographic or externally stable hash.
*/
static inline uint64_t mix(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t sl_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x243f6a8885a308d3ull ^ (n * 0x9e3779b97f4a7c15ull);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = mix(h ^ w, 0xbf58476d1ce4e5b9ull);
        s += 8;
        n -= 8;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) t |= (uint64_t)s[i] << (8 * i);
    h = mix(h ^ t ^ 0xa0761d6478bd642full, 0x94d049bb133111ebull);
    return h ^ (h >> 31);
}
