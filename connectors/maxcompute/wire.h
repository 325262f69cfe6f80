/*
** connectors/maxcompute/wire.h — the Tunnel record stream codec (spec section 4).
**
** A block upload or streaming pack body is a run of protobuf-style records followed by a
** trailer: each record is its non-NULL fields (field number = column index + 1, in column order),
** an end-of-record tag and the record's CRC32C; the trailer carries the zigzag record count and a
** CRC32C over the record CRCs. The whole body may be zlib-compressed (Content-Encoding: deflate).
** The writer below reproduces the official SDKs' bytes exactly; the reader is its strict inverse.
**
** Value mapping. The writer takes sluice values (base/value.h) and accepts, per column type:
**
**   BIGINT, INT, SMALLINT, TINYINT  SL_V_INT, range-checked for the narrower types
**   BOOLEAN                         SL_V_BOOL
**   DOUBLE                          SL_V_DOUBLE
**   FLOAT                           SL_V_DOUBLE, narrowed to float (round to nearest; NaN
**                                   payload bits kept, so decode + encode is byte-exact)
**   STRING, CHAR, VARCHAR, JSON     SL_V_STRING or SL_V_BYTES, bytes as given (no UTF-8 check,
**                                   no CHAR padding or VARCHAR length check: the SDKs do neither)
**   BINARY                          SL_V_BYTES or SL_V_STRING
**   DECIMAL                         SL_V_DECIMAL, written as Java BigDecimal.toPlainString of
**                                   the value at its own scale (the SDKs do not rescale to the
**                                   column's scale either: 0 is "0", 1.50 at scale 2 is "1.50")
**   DATETIME                        SL_V_TIMESTAMP as an instant: ms = sec * 1000 +
**                                   floor(nanos / 1e6), which is floor(instant in ms) also
**                                   before 1970 because sec is already the floor; or SL_V_INT
**                                   holding epoch milliseconds
**   DATE                            SL_V_DATE (or SL_V_INT) days since 1970-01-01
**   TIMESTAMP, TIMESTAMP_NTZ        SL_V_TIMESTAMP (sec = floor epoch seconds, nanos 0..1e9-1);
**                                   for NTZ the wall-clock value read as UTC (sluice TIMESTAMP)
**   INTERVAL_YEAR_MONTH             SL_V_INT total months
**   INTERVAL_DAY_TIME               SL_V_TIMESTAMP-tagged (total seconds, nanos 0..1e9-1), or
**                                   SL_V_INT milliseconds (Flink's INTERVAL DAY TO SECOND)
**   ARRAY<T>                        SL_V_ARRAY, elements may be NULL
**   MAP<K,V>                        SL_V_MAP (n keys then n values), keys and values may be NULL
**   STRUCT<...>                     SL_V_ROW with exactly one value per field, may be NULL
**
** and the reader returns exactly those tags (DATETIME and INTERVAL_DAY_TIME as SL_V_TIMESTAMP,
** CHAR/VARCHAR/JSON as SL_V_STRING, BINARY as SL_V_BYTES, FLOAT widened to SL_V_DOUBLE).
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_WIRE_H
#define SL_MC_WIRE_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/value.h"
#include "connectors/maxcompute/mctype.h"

/* Reserved field numbers of the stream format (tags are field << 3 | wire type 0). */
#define SL_MC_FIELD_END_RECORD   33553408u /* 2^25 - 1024: record CRC follows */
#define SL_MC_FIELD_RECORD_COUNT 33554430u /* 2^25 - 2: zigzag record count */
#define SL_MC_FIELD_STREAM_CRC   33554431u /* 2^25 - 1: CRC over the record CRCs */

/* Highest column count a schema may have: field numbers stay below the reserved ones. */
#define SL_MC_MAX_COLUMNS 65536

/* ---- low-level primitives (exposed for tests and the fuzz target) ------------------------ */

/* Append a protobuf varint of v to b; returns the number of bytes (1..10). */
int sl_mc_put_varint(sl_buf *b, uint64_t v);

/* zigzag64 and its inverse. */
static inline uint64_t sl_mc_zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t sl_mc_unzigzag(uint64_t u)
{
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/*
** Read a varint at *p (not beyond end). On success stores the value, advances *p and returns
** the number of bytes; returns 0 when the input ends inside the varint, -1 when the varint is
** longer than 10 bytes, overflows 64 bits, or is not minimally encoded (an SDK never writes that).
*/
int sl_mc_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *out);

/* ---- writer ------------------------------------------------------------------------------- */

typedef enum sl_mc_compress {
    SL_MC_COMPRESS_NONE = 0,   /* raw record stream */
    SL_MC_COMPRESS_DEFLATE = 1 /* zlib format (RFC 1950), what "Content-Encoding: deflate" means */
} sl_mc_compress;

typedef struct sl_mc_writer_opts {
    int compress;            /* sl_mc_compress */
    int level;               /* deflate level 1..9; 0 = 1, the SDKs' and the connector's default */
    uint32_t max_field_size; /* longest STRING/BINARY/... value in bytes; 0 = no limit.
                                Use the session's MaxFieldSize (typically 8 MiB). */
} sl_mc_writer_opts;

typedef struct sl_mc_colenc sl_mc_colenc;

/* A stream writer. The fields are private; the struct is public so it can live on the stack. */
typedef struct sl_mc_writer {
    const sl_mc_schema *schema;
    sl_mc_colenc *enc; /* per column: tag bytes, field number bytes */
    sl_buf *out;       /* where the (compressed) stream goes */
    sl_buf raw;        /* deflate: uncompressed bytes not yet given to zlib */
    sl_buf scratch;    /* decimal text */
    void *z;           /* z_stream when compressing */
    int compress;
    int level;
    uint32_t max_field_size;
    uint32_t stream_crc;
    uint64_t records;
    uint64_t raw_bytes; /* uncompressed bytes of the current stream, trailer included */
    size_t out_start;   /* out->n when the current stream started */
    int finished;
} sl_mc_writer;

/*
** Start a stream that appends to out. Borrows schema and out: both must outlive the writer (or
** until the next sl_mc_writer_restart). opts may be NULL (raw, no size limit). Returns SL_OK, or
** SL_MISUSE for a schema with more than SL_MC_MAX_COLUMNS columns or an invalid level.
** The writer owns internal memory: release it with sl_mc_writer_free, on any path.
*/
int sl_mc_writer_init(sl_mc_writer *w, const sl_mc_schema *schema, const sl_mc_writer_opts *opts,
                      sl_buf *out, sl_err *err);

/*
** Append one record. vals[0..nvals) are the values of the first nvals data columns in schema
** order (borrowed); a NULL value, and every column past nvals, is written as absent.
** Errors: SL_MISUSE when nvals exceeds the column count or the stream is finished; SL_DATA when
** a value does not fit its column (wrong tag, out of range, longer than max_field_size); the
** message names the column. On error nothing of the record has been written: the stream stays
** valid and the next record may be appended.
*/
int sl_mc_write_record(sl_mc_writer *w, const sl_value *vals, int nvals, sl_err *err);

/*
** End the stream: write the trailer (record count, stream CRC) and, when compressing, flush zlib
** so out holds a complete body for one PUT. Further records need sl_mc_writer_restart.
*/
int sl_mc_writer_finish(sl_mc_writer *w, sl_err *err);

/* Begin a new stream (next block or pack) appending to out (borrowed), with counters reset. */
void sl_mc_writer_restart(sl_mc_writer *w, sl_buf *out);

/* Records written to the current stream. */
uint64_t sl_mc_writer_records(const sl_mc_writer *w);
/* Uncompressed bytes of the current stream so far (the trailer is counted after finish). */
uint64_t sl_mc_writer_raw_bytes(const sl_mc_writer *w);
/*
** Bytes of the current stream appended to out so far plus the uncompressed bytes still waiting
** for zlib: an upper estimate of the body size, for "flush at 90 % of the buffer" decisions.
*/
uint64_t sl_mc_writer_size(const sl_mc_writer *w);

/* Release the writer's internal memory (not out, not the schema). Safe after a failed init. */
void sl_mc_writer_free(sl_mc_writer *w);

/* ---- reader ------------------------------------------------------------------------------- */

/*
** A stream reader over one raw (already inflated) body. It verifies every record CRC, the
** trailer's count and stream CRC, and that nothing follows the trailer. It accepts exactly the
** canonical form the SDK writers produce (minimal varints, ascending field numbers, the column's
** wire type, flags 0/1, in-range values, decimal text as toPlainString), so that decoding and
** re-encoding reproduces the input byte for byte. Errors carry the byte offset, also kept in
** err_offset.
**
** Memory: it never reads outside data[0..n). Strings and bytes in returned values point into
** data; arrays, maps, structs and wide decimals are allocated in the caller's arena. Every
** allocated value slot is backed by at least one input byte (a record by at least five), so a
** stream of n bytes allocates O(n * max(1, ncol / 5) * sizeof(sl_value)); nesting depth is that
** of the schema's types (at most SL_MC_MAX_TYPE_DEPTH when they come from sl_mc_type_parse).
*/
typedef struct sl_mc_reader {
    const sl_mc_schema *schema;
    const uint8_t *base, *p, *end;
    uint64_t records;
    uint32_t stream_crc;
    int done;
    int skip_checksums; /* set to 1 after init to read record and stream CRCs without comparing
                           them (fuzzing, salvaging a damaged block); everything else is still
                           checked */
    size_t err_offset;  /* byte offset of the last error */
} sl_mc_reader;

/* Start reading data[0..n). Borrows schema and data for the reader's lifetime. */
void sl_mc_reader_init(sl_mc_reader *r, const sl_mc_schema *schema, const void *data, size_t n);

/*
** Decode the next record into row[0..schema->ncol) (absent fields become NULL). Returns SL_ROW
** with a row, SL_DONE once the trailer has been read and verified, or SL_DATA (truncated input,
** bad tag, wire type mismatch, non-canonical encoding, CRC mismatch, count mismatch, trailing
** bytes) with the offset in the message. Lists go to ar (borrowed); after an error row holds
** partial values.
*/
int sl_mc_reader_next(sl_mc_reader *r, sl_arena *ar, sl_value *row, sl_err *err);

/*
** Decode a whole raw stream. *rows receives nrows * schema->ncol values, row-major, in ar
** (NULL when there are no rows); *nrows the row count. Borrows data (values point into it).
** Returns SL_OK or the reader's error.
*/
int sl_mc_decode(const sl_mc_schema *schema, const void *data, size_t n, sl_arena *ar,
                 sl_value **rows, size_t *nrows, sl_err *err);

/*
** Inflate a zlib-format body data[0..n) (borrowed) into out (appended). Fails with SL_DATA
** for corrupt or truncated data, bytes after the zlib end, or output larger than max_out bytes
** (a guard against decompression bombs; 0 means 1 GiB).
*/
int sl_mc_inflate(const void *data, size_t n, size_t max_out, sl_buf *out, sl_err *err);

#endif
