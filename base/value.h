/*
** base/value.h — SQL types, values, rows, row kinds and changelog modes.
**
** sl_type     a logical SQL type (INT, DECIMAL(10,2), TIMESTAMP(3), MAP<STRING,BYTES>, ...),
**             plus nullability. Nested types point to other sl_type objects that live in the
**             same arena as the schema that owns them.
** sl_value    one value, 16 bytes, passed by value. The tag gives its physical form:
**               BOOL, INT        u.i (TINYINT..BIGINT widened to int64)
**               DOUBLE           u.d (FLOAT values are stored widened, rounded to float)
**               DECIMAL          u.i unscaled, `scale` digits after the point; when the value
**                                needs more than 18 digits SL_VF_WIDE is set and u.wide
**                                points to an __int128
**               STRING, BYTES    u.z + n bytes (not NUL-terminated in general)
**               DATE             u.i days since 1970-01-01
**               TIME             u.i nanoseconds since midnight
**               TIMESTAMP        u.i seconds since 1970-01-01T00:00 and n nanoseconds; for
**                                TIMESTAMP that is the wall-clock value read as UTC, for
**                                TIMESTAMP_LTZ the instant itself
**               ARRAY, ROW       u.list -> n values
**               MAP              u.list -> n keys followed by n values
**             Pointers refer to memory owned by someone else (a batch arena, operator state)
**             unless the owner says otherwise; values never free anything themselves.
** sl_row      a row kind plus ncol values, allocated in one piece.
** sl_clmode   the set of row kinds an edge of the dataflow may carry, as bits.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_BASE_VALUE_H
#define SL_BASE_VALUE_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/common.h"

/* ---- types ---------------------------------------------------------------------------- */

typedef enum sl_typeid {
    SL_TYPE_NULL = 0, /* the type of a bare NULL literal before coercion */
    SL_TYPE_BOOLEAN,
    SL_TYPE_TINYINT,
    SL_TYPE_SMALLINT,
    SL_TYPE_INT,
    SL_TYPE_BIGINT,
    SL_TYPE_FLOAT,
    SL_TYPE_DOUBLE,
    SL_TYPE_DECIMAL,
    SL_TYPE_CHAR,
    SL_TYPE_VARCHAR, /* STRING is VARCHAR(SL_MAX_LENGTH) */
    SL_TYPE_BINARY,
    SL_TYPE_VARBINARY, /* BYTES is VARBINARY(SL_MAX_LENGTH) */
    SL_TYPE_DATE,
    SL_TYPE_TIME,
    SL_TYPE_TIMESTAMP,
    SL_TYPE_TIMESTAMP_LTZ,
    SL_TYPE_ARRAY,
    SL_TYPE_MAP,
    SL_TYPE_ROW,
    SL_TYPE__COUNT
} sl_typeid;

#define SL_MAX_LENGTH INT32_MAX
#define SL_MAX_DECIMAL_PRECISION 38

typedef struct sl_field sl_field;

typedef struct sl_type {
    uint8_t id;        /* sl_typeid */
    uint8_t not_null;  /* 1 for NOT NULL; zero-initialised types are nullable */
    uint8_t precision; /* DECIMAL p; TIME, TIMESTAMP, TIMESTAMP_LTZ fractional digits */
    uint8_t scale;     /* DECIMAL s */
    int32_t length;    /* CHAR, VARCHAR, BINARY, VARBINARY */
    const struct sl_type *elem; /* ARRAY element; MAP key */
    const struct sl_type *val;  /* MAP value */
    const sl_field *fields;     /* ROW fields */
    int nfields;
} sl_type;

struct sl_field {
    const char *name;
    sl_type type;
};

/* Constructors for simple types (no arena needed). */
sl_type sl_type_make(sl_typeid id);
sl_type sl_type_string(void);
sl_type sl_type_decimal(int precision, int scale);
sl_type sl_type_timestamp(sl_typeid id, int precision);

/* Deep copy of t (nested element, value and field types included) into ar. */
sl_type sl_type_copy(sl_arena *ar, const sl_type *t);

/* "INT", "DECIMAL(10, 2)", "TIMESTAMP(3)", "STRING", "MAP<STRING, BYTES>" ... appended to b.
** NOT NULL is appended when the type carries it. */
void sl_type_render(sl_buf *b, const sl_type *t);
/* The bare name of a type id: "INT", "VARCHAR", ... */
const char *sl_typeid_name(int id);

int sl_type_is_integer(const sl_type *t); /* TINYINT .. BIGINT */
int sl_type_is_numeric(const sl_type *t); /* integers, FLOAT, DOUBLE, DECIMAL */
int sl_type_is_string(const sl_type *t);  /* CHAR, VARCHAR */
int sl_type_is_binary(const sl_type *t);  /* BINARY, VARBINARY */
/* Same type ignoring nullability. */
int sl_type_equal(const sl_type *a, const sl_type *b);

/* ---- values --------------------------------------------------------------------------- */

typedef enum sl_vtag {
    SL_V_NULL = 0,
    SL_V_BOOL,
    SL_V_INT,
    SL_V_DOUBLE,
    SL_V_DECIMAL,
    SL_V_STRING,
    SL_V_BYTES,
    SL_V_DATE,
    SL_V_TIME,
    SL_V_TIMESTAMP,
    SL_V_ARRAY,
    SL_V_MAP,
    SL_V_ROW
} sl_vtag;

#define SL_VF_WIDE 0x01 /* DECIMAL: u.wide holds the unscaled value */

typedef struct sl_value {
    uint8_t tag;    /* sl_vtag */
    uint8_t flags;  /* SL_VF_* */
    uint16_t scale; /* DECIMAL scale */
    uint32_t n;     /* STRING/BYTES length, TIMESTAMP nanos, ARRAY/ROW/MAP count */
    union {
        int64_t i;
        double d;
        const char *z;
        const struct sl_value *list;
        const __int128 *wide;
    } u;
} sl_value;

static inline sl_value sl_null(void)
{
    sl_value v = {0};
    return v;
}
static inline sl_value sl_bool(int b)
{
    sl_value v = {0};
    v.tag = SL_V_BOOL;
    v.u.i = b != 0;
    return v;
}
static inline sl_value sl_int(int64_t i)
{
    sl_value v = {0};
    v.tag = SL_V_INT;
    v.u.i = i;
    return v;
}
static inline sl_value sl_double(double d)
{
    sl_value v = {0};
    v.tag = SL_V_DOUBLE;
    v.u.d = d;
    return v;
}
static inline sl_value sl_string(const char *z, size_t n)
{
    sl_value v = {0};
    v.tag = SL_V_STRING;
    v.u.z = z;
    v.n = (uint32_t)n;
    return v;
}
static inline sl_value sl_bytes(const void *z, size_t n)
{
    sl_value v = {0};
    v.tag = SL_V_BYTES;
    v.u.z = (const char *)z;
    v.n = (uint32_t)n;
    return v;
}
static inline sl_value sl_date(int64_t days)
{
    sl_value v = {0};
    v.tag = SL_V_DATE;
    v.u.i = days;
    return v;
}
static inline sl_value sl_time(int64_t nanos_of_day)
{
    sl_value v = {0};
    v.tag = SL_V_TIME;
    v.u.i = nanos_of_day;
    return v;
}
static inline sl_value sl_timestamp(int64_t epoch_seconds, uint32_t nanos)
{
    sl_value v = {0};
    v.tag = SL_V_TIMESTAMP;
    v.u.i = epoch_seconds;
    v.n = nanos;
    return v;
}
static inline int sl_is_null(const sl_value *v)
{
    return v->tag == SL_V_NULL;
}

/* A DECIMAL value from an unscaled 128-bit integer; wide values are stored in ar. */
sl_value sl_decimal(sl_arena *ar, __int128 unscaled, int scale);
/* The unscaled integer of a DECIMAL value. */
__int128 sl_decimal_unscaled(const sl_value *v);

/*
** Equality as Flink's row comparison sees it: same tag and same content; doubles compare by
** bits (NaN equals NaN, -0.0 differs from 0.0), NULL equals NULL.
*/
int sl_value_equal(const sl_value *a, const sl_value *b);

/* Bytes needed to deep-copy v's out-of-line data (strings, lists, wide decimals). */
size_t sl_value_extra_size(const sl_value *v);
/* Deep-copy v into dst, placing out-of-line data at *heap (advanced past what was used). */
void sl_value_copy_into(sl_value *dst, const sl_value *v, char **heap);
/* Deep copy into an arena. */
sl_value sl_value_copy(sl_arena *ar, const sl_value *v);

/* ---- rows ----------------------------------------------------------------------------- */

#define SL_ROWKIND_COUNT 4

#define SL_IS_ACCUMULATE(k) ((k) == SL_INSERT || (k) == SL_UPDATE_AFTER)
#define SL_IS_RETRACT(k) ((k) == SL_UPDATE_BEFORE || (k) == SL_DELETE)

typedef struct sl_row {
    uint8_t kind;  /* sl_rowkind */
    uint8_t flags;
    uint16_t ncol;
    uint32_t reserved;
    sl_value col[];
} sl_row;

/* A row with ncol NULL columns and kind +I, in ar. */
sl_row *sl_row_new(sl_arena *ar, int ncol);
/* Deep copy into one malloc'd block (returns owned; free with sl_free). */
sl_row *sl_row_dup(const sl_row *row);
/* Deep copy into mem: at least sl_row_size(row) bytes, 16-byte aligned. Returns mem. */
sl_row *sl_row_copy_into(void *mem, const sl_row *row);
/* Deep copy into ar. */
sl_row *sl_row_copy(sl_arena *ar, const sl_row *row);
/* Same ncol and every column sl_value_equal; the kind is ignored. */
int sl_row_equal(const sl_row *a, const sl_row *b);
/* Bytes of the row itself plus its out-of-line data (for state-size metrics). */
size_t sl_row_size(const sl_row *row);

/* ---- changelog modes ------------------------------------------------------------------ */

typedef uint8_t sl_clmode;
#define SL_CL_BIT(k) ((sl_clmode)(1u << (k)))
#define SL_CL_INSERT_ONLY SL_CL_BIT(SL_INSERT)
#define SL_CL_UPSERT (SL_CL_BIT(SL_INSERT) | SL_CL_BIT(SL_UPDATE_AFTER) | SL_CL_BIT(SL_DELETE))
#define SL_CL_RETRACT ((sl_clmode)0x0f)

/* "[I,UB,UA,D]" in Flink's EXPLAIN spelling, appended to b. */
void sl_clmode_render(sl_buf *b, sl_clmode m);
/* "insert-only", "upsert", "retract" or the bracket form for other sets. */
const char *sl_clmode_name(sl_clmode m);

/* ---- keys ----------------------------------------------------------------------------- */

/*
** Append the memcmp-ordered encoding of the key columns idx[0..nkey) of row to b. Two rows
** have equal keys exactly when their encodings are byte-equal; the encoding also orders keys
** as SQL orders them for the integer, string and temporal types.
*/
void sl_key_encode(sl_buf *b, const sl_value *cols, const int *idx, int nkey);
/* Ask the CPU to start loading what sl_key_encode will read of these columns' strings: rows
** decoded on another core miss the cache at their first touch. */
void sl_key_prefetch(const sl_value *cols, const int *idx, int nkey);

/* 64-bit hash of a byte range (keys, partitioning). */
uint64_t sl_hash_bytes(const void *p, size_t n);

#endif
