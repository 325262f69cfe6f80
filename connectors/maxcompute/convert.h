/*
** connectors/maxcompute/convert.h — rows for a MaxCompute table: from Kafka records (the
** connector's `format` + `mode`, spec 5.2) or from sluice SQL rows, and the partition each row
** goes to (spec 5.3). Pure functions: the sink reads the table schema, builds a converter once
** at start-up (which validates format, mode and table and fails before anything is read), then
** converts each record into one sl_value per data column, in the kinds wire.h's writer expects.
**
** Kafka records. Fixed columns, matched by name case-insensitively:
**   topic        STRING, VARCHAR or CHAR     the record's topic                (required)
**   partition    BIGINT (or INT)             the Kafka partition               (required)
**   offset       BIGINT                      the Kafka offset                  (required)
**   insert_time  BIGINT                      record timestamp, epoch ms
**                DATETIME, TIMESTAMP         that instant
**                TIMESTAMP_NTZ               its wall-clock time in time_zone
**                                            (NULL when the record has no timestamp)
** DECISION: spec 5.2 says the current Java connector requires insert_time for CSV and FLATTEN,
** but the seed's tables have none. sluice fills insert_time when the table has it and does not
** require it, so the seed's tables work as shown.
**
**   format   mode            key / value
**   TEXT     DEFAULT         `key` <- key text, `value` <- value text (STRING/VARCHAR/CHAR/JSON)
**            KEY / VALUE     only that column; the other stays NULL
**   BINARY   DEFAULT/KEY/VAL the same with bytes into BINARY columns
**   CSV      KEY or VALUE    the key (value) text is one CSV line whose fields fill the data
**                            columns other than the fixed four, in table order
**   JSON     KEY or VALUE    `key` (`value`) of type JSON or STRING <- the text, checked to be
**                            one JSON value
**   FLATTEN  KEY or VALUE    a JSON object; each member (name lower-cased) fills the column of
**                            that name; members must name columns
** A NULL key or value gives a NULL column (TEXT, BINARY, JSON) or no members (FLATTEN); CSV
** needs the text and fails on NULL. Text must be valid UTF-8 (Kafka Connect's StringConverter
** would replace bad bytes with U+FFFD; sluice reports them with their offset instead).
** CSV/JSON/FLATTEN with DEFAULT are rejected at start-up (the Java connector rejects CSV at
** start-up and JSON/FLATTEN on every record).
**
** CSV lines: ',' separates fields, '"' quotes a field (a doubled quote inside is one quote; a
** quoted field may hold commas and line breaks), blanks around unquoted fields are trimmed as
** the connector's CSV reader (JavaCSV) does, one trailing line break is allowed, anything else
** after the line is an error. An unquoted `\N` is NULL; a quoted "\N" is the text \N (spec 5.2).
** The field count must equal the number of columns the fields fill.
**
** Text to a column type (CSV fields, FLATTEN scalars):
**   STRING, BINARY      the text (BINARY: its bytes)
**   CHAR(n), VARCHAR(n) the text, at most n characters
**   BIGINT, INT,        Java Long.parseLong grammar ([+-]digits), range-checked
**   SMALLINT, TINYINT
**   DOUBLE, FLOAT       `nan`, `inf`, `-inf`, or Java Double.parseDouble's grammar
**   DECIMAL(p,s)        Java BigDecimal grammar, rounded half-up to s digits; more than p
**                       digits is an error; a bare DECIMAL is read as DECIMAL(38,18)
**   BOOLEAN             true or false, any case (the connector's current rule; anything else
**                       is an error, not false)
**   DATE                yyyy-MM-dd
**   DATETIME            yyyy-MM-dd HH:mm:ss[.SSS] in time_zone
**   TIMESTAMP           yyyy-MM-dd HH:mm:ss[.fraction of 1-9 digits] in time_zone (the Java
**                       connector demands exactly four digits; sluice reads any 1 to 9)
**   TIMESTAMP_NTZ       the same, without a zone
**   JSON                the text, checked to be one JSON value
** INTERVAL, ARRAY, MAP and STRUCT columns cannot be filled from text: a CSV or FLATTEN table
** with such a column (other than the fixed ones) is rejected at start-up.
**
** FLATTEN members: strings give their unescaped text, numbers their text as written (so a
** DECIMAL keeps every digit), true/false their word, null a NULL column. Nested objects and
** arrays become compact JSON text: no blanks, strings re-escaped, object members ordered by
** name length then bytes. DECISION: the seed's result tables show {"sex":"M","region":"beijing"}
** for {"region":"beijing","sex":"M"} and {"gender":"M","region":"beijing"} for
** {"region":"beijing","gender":"M"}: MaxCompute's JSON type does not keep member order. Both
** outputs are ordered by length, then bytes; sluice writes that canonical order, so the
** emulator shows what MaxCompute shows. A duplicate member keeps its last value. A member that
** names no column is an error (the seed's record 101, "extendinfos"); so is a member naming a
** fixed column (topic, partition, offset, insert_time), which the record fills.
**
** SQL rows (tables used without `format`): every SQL column must exist in the remote table
** (case-insensitive) as a data or partition column; remote data columns the SQL table lacks
** are written as NULL. Compatible types (SQL -> MaxCompute):
**   BOOLEAN              BOOLEAN
**   TINYINT..BIGINT      the same or a wider integer; DOUBLE (TINYINT..INT only, exact);
**                        DECIMAL(p,s) with p - s >= the integer's digits (3, 5, 10, 19)
**   FLOAT                FLOAT, DOUBLE
**   DOUBLE               DOUBLE
**   DECIMAL(p,s)         DECIMAL(p2,s2) with s2 >= s and p2 - s2 >= p - s; bare DECIMAL
**   CHAR, VARCHAR        STRING, JSON (checked per row), CHAR(n)/VARCHAR(n) (length checked
**                        per row)
**   BINARY, VARBINARY    BINARY
**   DATE                 DATE
**   TIMESTAMP(p)         TIMESTAMP_NTZ; TIMESTAMP and DATETIME read in time_zone (DATETIME
**                        keeps milliseconds, finer digits are dropped)
**   TIMESTAMP_LTZ(p)     TIMESTAMP, DATETIME (the instant); TIMESTAMP_NTZ (its wall clock in
**                        time_zone)
**   ARRAY, MAP, ROW      ARRAY, MAP, STRUCT whose elements / fields (matched by position, same
**                        count) are compatible
**   any other scalar     STRING, as CAST(x AS STRING) writes it (TIMESTAMP_LTZ in UTC, the
**                        session zone)
** Anything else is a start-up error naming both sides.
**
** Partitions: a table without partition columns gets no spec. With one partition column, its
** value is the processing time (sl_mc_pt_value) unless the SQL table has a column of that name,
** which then supplies it per row. DECISION: with several partition columns, the SQL table must
** supply all of them (else a start-up error); a Kafka-record table (`format`) cannot.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_CONVERT_H
#define SL_MC_CONVERT_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/value.h"
#include "connectors/maxcompute/mctype.h"
#include "connectors/maxcompute/ptime.h"

typedef enum sl_mc_format {
    SL_MC_FMT_TEXT = 0,
    SL_MC_FMT_BINARY,
    SL_MC_FMT_CSV,
    SL_MC_FMT_JSON,
    SL_MC_FMT_FLATTEN
} sl_mc_format;

typedef enum sl_mc_mode { SL_MC_MODE_DEFAULT = 0, SL_MC_MODE_KEY, SL_MC_MODE_VALUE } sl_mc_mode;

/* `format` (TEXT, BINARY, CSV, JSON, FLATTEN) and `mode` (DEFAULT, KEY, VALUE), any case.
** SL_DATA naming the choices. */
int sl_mc_format_parse(const char *s, int *out, sl_err *err);
int sl_mc_mode_parse(const char *s, int *out, sl_err *err);

/* One Kafka record, borrowed. key/value NULL means a null key/value. */
typedef struct sl_mc_kafka_record {
    const char *topic;
    size_t topic_len;
    int32_t partition;
    int64_t offset;
    int has_timestamp;
    int64_t timestamp_ms;
    const void *key;
    size_t key_len;
    const void *value;
    size_t value_len;
} sl_mc_kafka_record;

typedef struct sl_mc_record_conv sl_mc_record_conv;

/*
** Validate format/mode against the table's data columns (partition columns excluded) and build
** the converter in ar. Borrows cols and tz (both must outlive it); table is the name used in
** messages ("p.t"). SL_DATA with a message naming the column and the rule.
*/
int sl_mc_record_conv_new(sl_arena *ar, int format, int mode, const sl_mc_schema *cols,
                          const sl_mc_tz *tz, const char *table, sl_mc_record_conv **out,
                          sl_err *err);

/*
** Convert one record into row[0..cols->ncol). Values point into rec's bytes or into ar. On
** SL_DATA the message names the column, the CSV field or JSON member and what was wrong, and
** row holds partial values.
*/
int sl_mc_record_convert(const sl_mc_record_conv *c, const sl_mc_kafka_record *rec, sl_arena *ar,
                         sl_value *row, sl_err *err);

/* ---- SQL rows ------------------------------------------------------------------------------ */

/* The sluice side of a SQL table: column names and types (borrowed). */
typedef struct sl_mc_sql_table {
    int ncol;
    const char *const *names;
    const sl_type *types;
} sl_mc_sql_table;

typedef struct sl_mc_row_conv sl_mc_row_conv;

/*
** Check that every SQL column exists remotely (data or partition column) with a compatible type
** and build the converter in ar. Borrows everything. Errors read "column 'price' is
** DECIMAL(10, 2) in sluice but STRING in MaxCompute table p.t".
*/
int sl_mc_row_conv_new(sl_arena *ar, const sl_mc_sql_table *sql, const sl_mc_schema *data_cols,
                       const sl_mc_schema *part_cols, const sl_mc_tz *tz, const char *table,
                       sl_mc_row_conv **out, sl_err *err);

/* Convert sql_row[0..sql->ncol) into row[0..data_cols->ncol). SL_DATA naming the column. */
int sl_mc_row_convert(const sl_mc_row_conv *c, const sl_value *sql_row, sl_arena *ar, sl_value *row,
                      sl_err *err);

/* ---- partitions ---------------------------------------------------------------------------- */

typedef enum sl_mc_part_kind {
    SL_MC_PART_NONE = 0, /* the table is not partitioned */
    SL_MC_PART_TIME,     /* one column, from processing time */
    SL_MC_PART_ROW       /* every partition column from a SQL column */
} sl_mc_part_kind;

typedef struct sl_mc_partitioning {
    int kind;                 /* sl_mc_part_kind */
    int n;                    /* partition columns */
    const char *const *names; /* their names as the table spells them */
    const int *sql_idx;       /* PART_ROW: the SQL column of each */
    const int *int_col;       /* 1 where the partition column has an integer type */
} sl_mc_partitioning;

/*
** Decide where partition values come from (see the header comment). sql may be NULL (Kafka
** records). Borrows part_cols and sql; allocates in ar. SL_DATA when the table cannot be written.
*/
int sl_mc_partitioning_new(sl_arena *ar, const sl_mc_schema *part_cols, const sl_mc_sql_table *sql,
                           const char *table, sl_mc_partitioning *out, sl_err *err);

/*
** Append the spec of the partition a row goes to (nothing for PART_NONE): the REST form when
** quoted, else the Tunnel form. now_ms, window, new_format and tz are used for PART_TIME;
** sql_row (may be NULL otherwise) for PART_ROW, where a NULL or invalid value is SL_DATA.
*/
int sl_mc_partition_for(const sl_mc_partitioning *p, const sl_value *sql_row, int64_t now_ms,
                        int window, int new_format, const sl_mc_tz *tz, int quoted, sl_buf *b,
                        sl_err *err);

#endif
