/*
** connectors/maxcompute/client.h — the MaxCompute REST + Tunnel client the maxcompute sink uses.
**
** What it does (spec maxcompute-tunnel.md sections 2, 3, 5; docs/maxcompute-client.md):
**   - signs every ODPS request (v2, signer.h) with the configured AccessKey, or with STS
**     credentials from AssumeRole that it caches and refreshes before they age out;
**   - reads table schemas, discovers the tunnel endpoint, checks and creates partitions (SQL
**     instance flow);
**   - batch upload sessions: create, upload blocks (thread-safe, optionally through a pool of
**     upload threads), commit with a client-side block-list check; a lost or failed commit
**     answer is resolved by asking the session status, never by committing twice;
**   - streaming sessions (packs routed to slots) and upsert sessions for primary-key tables;
**   - retries per the spec's error table, bounded by retry_times.
** Bodies are record streams the caller encodes with wire.h; the client transports them. The
** exception is the upsert writer, which routes rows to buckets by primary-key hash and encodes
** them itself, because the bucket of a row decides the request it belongs to.
**
** Errors: every message says which call failed, the HTTP status, the service's error code,
** message and request id, and never contains an AccessKey secret, an STS token or a signature.
** Codes: SL_CONFIG (bad configuration), SL_CONNECTOR (the service refused: 4xx), SL_UNAVAILABLE
** (transport failures, 5xx, 429 and malformed replies after the retries; err->retriable = 1),
** SL_DATA (a value the call cannot carry), SL_MISUSE (API misuse).
**
** Threads: a client may be shared by threads; every call takes the handles and credentials
** it needs under the client's locks. An upload session accepts concurrent
** sl_mc_upload_block calls for different block ids; its other calls, and stream and upsert
** sessions, are used by one thread at a time.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_CLIENT_H
#define SL_MC_CLIENT_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/value.h"
#include "connectors/maxcompute/mctype.h"

typedef enum sl_mc_account_type {
    SL_MC_ACCOUNT_ALIYUN = 0, /* long-term AccessKey */
    SL_MC_ACCOUNT_STS = 1     /* AssumeRole with the long-term key, sign with the temporary one */
} sl_mc_account_type;

typedef struct sl_mc_client_conf {
    const char *endpoint;        /* REST endpoint, e.g. http://service.cn-hangzhou.maxcompute
                                    .aliyun.com/api (required) */
    const char *tunnel_endpoint; /* NULL or "" = discover (GET /projects/p/tunnel?service) */
    const char *project;         /* required; also curr_project */
    const char *schema;          /* 3-tier schema name, NULL or "" = none */
    int account_type;            /* sl_mc_account_type */
    const char *access_id;       /* long-term AccessKeyId; for STS, empty = env
                                    ALIBABA_CLOUD_ACCESS_KEY_ID */
    const char *access_key;      /* long-term AccessKeySecret; for STS, empty = env
                                    ALIBABA_CLOUD_ACCESS_KEY_SECRET */
    /* STS (spec 2). */
    const char *sts_endpoint; /* host[:port] reached over https, or a URL with its scheme
                                 ("http://127.0.0.1:8080"); NULL or "" = sts.aliyuncs.com */
    const char *region_id;    /* RegionId parameter; NULL or "" omits it */
    const char *account_id;   /* required for STS: RoleArn acs:ram::<account_id>:role/<role> */
    const char *role_name;    /* required for STS */
    int sts_duration_s;       /* DurationSeconds requested (3600) */
    int64_t sts_refresh_ms;   /* refresh a credential this old (55 min = 3300000) */
    /* Timeouts and retries. */
    int64_t client_timeout_ms;    /* the connector option (11 h): no HTTP exchange lasts longer,
                                     and credentials and pooled connections older than this are
                                     renewed (the legacy connector's client rebuild interval) */
    int64_t connect_timeout_ms;   /* TCP + TLS connect (10 s) */
    int64_t read_timeout_ms;      /* a request that moves no byte for this long fails (300 s,
                                     the connector's tunnel socket timeout) */
    int retry_times;              /* retries per call after the first attempt (3); negative = 3,
                                     as the connector does */
    int64_t retry_backoff_ms;     /* first backoff, doubled per retry (1000) */
    int64_t retry_backoff_max_ms; /* backoff cap, also caps Retry-After (64000) */
    int64_t instance_poll_ms;     /* SQL instance status poll interval (1000) */
    int64_t instance_timeout_ms;  /* give up waiting for a SQL instance (600000) */
    const char *ca_file;          /* PEM CA bundle for https endpoints; NULL = system store */
} sl_mc_client_conf;

/* Fill conf with the defaults shown above (strings NULL). */
void sl_mc_client_conf_init(sl_mc_client_conf *conf);

typedef struct sl_mc_client sl_mc_client;

/* Counters for tests and metrics (monotonic since open). */
typedef struct sl_mc_client_stats {
    uint64_t requests;           /* HTTP exchanges attempted, STS included */
    uint64_t retries;            /* every retry, by cause below */
    uint64_t retries_throttled;  /* 429 */
    uint64_t retries_server;     /* 5xx */
    uint64_t retries_transport;  /* connection refused/reset, timeouts, incomplete replies */
    uint64_t retries_malformed;  /* 2xx with a reply that does not parse */
    uint64_t sts_fetches;        /* AssumeRole calls that returned credentials */
    uint64_t commit_status_checks; /* status GETs after an unclear commit answer */
    uint64_t commits_confirmed;  /* commits found applied by such a check (lost answer) */
    uint64_t blocks_resent;      /* block PUTs sent again (failed PUT, missing at commit) */
    uint64_t sessions_renewed;   /* expired upload sessions replaced before commit */
    uint64_t stream_reloads;     /* stream session reloads (502/504, slot changes) */
} sl_mc_client_stats;

/*
** Open a client: validates conf (SL_CONFIG names the bad field) and copies every string, so conf
** may be freed afterwards. No network traffic yet: STS credentials and the tunnel endpoint are
** fetched by the first call that needs them. *out is owned by the caller: sl_mc_client_close.
*/
int sl_mc_client_open(const sl_mc_client_conf *conf, sl_mc_client **out, sl_err *err);
/* Close the client and its connections. Every session and pool must be closed first. */
void sl_mc_client_close(sl_mc_client *c);
void sl_mc_client_stats_get(sl_mc_client *c, sl_mc_client_stats *out);
/* Drop the cached STS credential so that the next request fetches a new one (tests, 401s). */
void sl_mc_client_sts_invalidate(sl_mc_client *c);
/* Copy the AccessKeyId the client signs with now (the STS.* id under STS) into buf[0..n).
** Fetches STS credentials when none are cached. For logs and tests. */
int sl_mc_client_signing_id(sl_mc_client *c, char *buf, size_t n, sl_err *err);

/*
** The tunnel endpoint (configured, or discovered once and cached). Returns a pointer owned by
** the client, valid until close.
*/
int sl_mc_tunnel_endpoint(sl_mc_client *c, const char **out, sl_err *err);

/* ---- tables and partitions ----------------------------------------------------------------- */

typedef struct sl_mc_table {
    const char *name;
    sl_mc_schema columns;        /* data columns, in table order (record field order) */
    const uint8_t *not_null;     /* per data column: 1 when the column is NOT NULL */
    sl_mc_schema partition_keys; /* partition columns, in order */
    int transactional;           /* Reserved.Transactional */
    const char *const *primary_key; /* Reserved.PrimaryKey column names */
    const int *pk_index;            /* index of each primary-key column in columns */
    int npk;
} sl_mc_table;

/*
** Read the schema of table (spec 3.1) into *out; everything is allocated in ar (borrowed, must
** outlive *out). A missing table is SL_CONNECTOR with "NoSuchObject"/"NoSuchTable" in the
** message; an unknown column type is SL_DATA naming the column.
*/
int sl_mc_table_get(sl_mc_client *c, const char *table, sl_arena *ar, sl_mc_table *out,
                    sl_err *err);

/*
** Partition specs. Callers pass "k1=v1,k2=v2" with values plain or single-quoted
** ("pt='07-13-2023 21'" and "pt=07-13-2023 21" are the same); the client sends the quoted form
** to REST and SQL and the plain form to the tunnel. Values may not contain quotes, backslashes,
** ',', '=' or control characters (SL_DATA with the position).
*/

/* *exists = 1 when the partition exists (GET ?partition=, spec 3.3). */
int sl_mc_partition_exists(sl_mc_client *c, const char *table, const char *spec, int *exists,
                           sl_err *err);
/*
** Make sure the partition exists: check, and if absent run ALTER TABLE ... ADD IF NOT EXISTS
** PARTITION (...) as a SQL instance and poll it to completion (instance_poll_ms,
** instance_timeout_ms). A failed SQL task is SL_CONNECTOR with the task's result text.
*/
int sl_mc_partition_ensure(sl_mc_client *c, const char *table, const char *spec, sl_err *err);

/* ---- batch upload sessions ----------------------------------------------------------------- */

typedef struct sl_mc_upload sl_mc_upload;

typedef struct sl_mc_upload_opts {
    int overwrite;        /* overwrite=true: commit replaces the partition */
    int create_partition; /* create_partition=true on create (pyodps' shortcut) */
    int keep_blocks;      /* keep every uploaded body until commit: a block the server lacks at
                             commit is sent again, and an expired session is replaced by a new
                             one with all blocks re-uploaded (reliability M9, M10) */
} sl_mc_upload_opts;

/*
** Create an upload session on table, partition (NULL or "" for an unpartitioned table). opts
** may be NULL (all off). The session's schema comes from the reply. *out is owned by the caller:
** sl_mc_upload_close (which does not commit).
*/
int sl_mc_upload_open(sl_mc_client *c, const char *table, const char *partition,
                      const sl_mc_upload_opts *opts, sl_mc_upload **out, sl_err *err);
/* The session id (changes when an expired session is renewed); owned by up. */
const char *sl_mc_upload_id(const sl_mc_upload *up);
/* The data columns of the session (record field order); owned by up. */
const sl_mc_schema *sl_mc_upload_schema(const sl_mc_upload *up);
/* MaxFieldSize from the session (0 when the service did not say). */
uint32_t sl_mc_upload_max_field_size(const sl_mc_upload *up);

/*
** PUT one block: body[0..n) is one complete record stream (wire.h), zlib-compressed when
** deflated. body is borrowed (copied when keep_blocks). Block ids are 0..19999; sending an id
** again replaces that block. Failed PUTs are re-sent with the same id (retry_times). Safe to
** call from several threads at once for different ids.
*/
int sl_mc_upload_block(sl_mc_upload *up, uint32_t block_id, const void *body, size_t n,
                       int deflated, sl_err *err);

/* The session state as the server reports it. */
typedef struct sl_mc_upload_state {
    char status[32];   /* lower case: normal, closing, closed, canceled, expired, ... */
    uint32_t *blocks;  /* uploaded block ids, ascending (owned; sl_free) */
    int nblocks;
} sl_mc_upload_state;

int sl_mc_upload_status(sl_mc_upload *up, sl_mc_upload_state *out, sl_err *err);

/*
** Commit exactly the blocks ids[0..n): first the status GET, whose block list must equal ids
** (a block the server lacks is re-sent from the kept body, else the commit fails naming it; an
** unlisted block on the server fails the commit), then the commit POST. When the POST's answer
** is lost or unclear (connection reset, timeout, 5xx, unparsable reply, 409), the session
** status decides: "closed" means the commit was applied (success, no second POST); "normal"
** means it was not (POST again, within retry_times); "expired" renews the session when
** keep_blocks, else fails with SL_UNAVAILABLE saying the blocks must be uploaded again. When
** even the status cannot be read after a commit was sent, the error says the outcome is
** unknown; calling sl_mc_upload_commit again on the same upload resolves it (never twice).
*/
int sl_mc_upload_commit(sl_mc_upload *up, const uint32_t *ids, int n, sl_err *err);
void sl_mc_upload_close(sl_mc_upload *up);

/* ---- upload thread pool --------------------------------------------------------------------- */

/*
** A pool of threads that PUT blocks in parallel (sink_pool_size). Submit hands over a body; at
** most nthreads uploads run at once and submit waits for a free thread (bounded memory). wait
** blocks until everything submitted has finished and returns the first error since the last
** wait. One thread submits and waits; the pool may serve several upload sessions in turn.
*/
typedef struct sl_mc_pool sl_mc_pool;

int sl_mc_pool_open(int nthreads, sl_mc_pool **out, sl_err *err);
/* Takes body's memory (body is left empty); up is borrowed until the next wait. */
int sl_mc_pool_submit(sl_mc_pool *pool, sl_mc_upload *up, uint32_t block_id, sl_buf *body,
                      int deflated, sl_err *err);
int sl_mc_pool_wait(sl_mc_pool *pool, sl_err *err);
/* Waits for running uploads, then stops the threads. */
void sl_mc_pool_close(sl_mc_pool *pool);

/* ---- streaming tunnel ----------------------------------------------------------------------- */

typedef struct sl_mc_stream sl_mc_stream;

/*
** Create a stream session (POST /streams, spec 3.6); create_partition asks the service to
** create a missing partition. *out is owned: sl_mc_stream_close.
*/
int sl_mc_stream_open(sl_mc_client *c, const char *table, const char *partition,
                      int create_partition, sl_mc_stream **out, sl_err *err);
const char *sl_mc_stream_id(const sl_mc_stream *st);
const sl_mc_schema *sl_mc_stream_schema(const sl_mc_stream *st);
/*
** Write one pack: body is a complete record stream of nrecords records (deflated or raw).
** Packs go round-robin over the session's slots with the routed-server and slot-count headers;
** a reply naming another server or slot count updates (reloads) the session. Data is visible
** once this returns. A retried pack may have been applied already: at-least-once (spec M13).
*/
int sl_mc_stream_write(sl_mc_stream *st, const void *body, size_t n, uint64_t nrecords,
                       int deflated, sl_err *err);
void sl_mc_stream_close(sl_mc_stream *st);

/* ---- upsert sessions (primary-key tables, spec 3.7) ------------------------------------------ */

typedef struct sl_mc_upsert sl_mc_upsert;

typedef struct sl_mc_upsert_opts {
    int slot_num;          /* slotnum (1) */
    int lifecycle_h;       /* session lifecycle in hours, 1..24 (0 = not sent) */
    size_t flush_bytes;    /* flush a bucket's pack at this size (4 MiB) */
} sl_mc_upsert_opts;

typedef enum sl_mc_upsert_op {
    SL_MC_UPSERT = 'U',
    SL_MC_DELETE = 'D'
} sl_mc_upsert_op;

int sl_mc_upsert_open(sl_mc_client *c, const char *table, const char *partition,
                      const sl_mc_upsert_opts *opts, sl_mc_upsert **out, sl_err *err);
const char *sl_mc_upsert_id(const sl_mc_upsert *us);
/* The data columns (without the hidden __version ... columns) and the primary key. */
const sl_mc_schema *sl_mc_upsert_schema(const sl_mc_upsert *us);
/*
** Add an upsert or a delete of one row: vals[0..nvals) are the data columns in schema order
** (borrowed; wire.h's value mapping); primary-key values must not be NULL. The row is routed to
** bucket hash(primary key) % buckets with the SDKs' default hasher and buffered; a full bucket
** is sent. SL_DATA for a value that does not fit or a NULL key.
*/
int sl_mc_upsert_write(sl_mc_upsert *us, int op, const sl_value *vals, int nvals, sl_err *err);
/* Send every buffered pack. */
int sl_mc_upsert_flush(sl_mc_upsert *us, sl_err *err);
/* Flush, then commit (POST, repeated with status GETs until "committed"). */
int sl_mc_upsert_commit(sl_mc_upsert *us, sl_err *err);
/* Discard the session's uncommitted operations (DELETE ?upsertid=). */
int sl_mc_upsert_abort(sl_mc_upsert *us, sl_err *err);
void sl_mc_upsert_close(sl_mc_upsert *us);

/*
** The SDKs' default hash of one primary-key value of column type t (Java TypeHasher "default");
** SL_DATA for types it does not cover. And the combination of the per-column hashes, whose
** value modulo the bucket count is the bucket.
*/
int sl_mc_hash_value(const sl_mc_type *t, const sl_value *v, int32_t *out, sl_err *err);
int32_t sl_mc_hash_combine(const int32_t *hashes, int n);

#endif
