/*
** connectors/maxcompute/tunnel.c — Tunnel sessions: batch upload (with the commit protocol and
** the upload thread pool), streaming, upsert (spec 3.4, 3.6, 3.7; client.h).
**
** Session replies are JSON (jansson). A reply that does not parse, or names a status outside
** the spec's list, is "malformed": the engine retries it like a server error (reliability M16).
**
** SPDX-License-Identifier: MIT
*/
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "connectors/maxcompute/client_int.h"
#include "connectors/maxcompute/wire.h"

#define LOG_COMPONENT "maxcompute"
#define MAX_BLOCK_ID 20000 /* spec 6: block ids 0..19999 */

/* ---- session replies ----------------------------------------------------------------------- */

static const char *const upload_statuses[] = {"normal",  "closing",  "closed",    "canceled",
                                              "expired", "critical", "committing"};

typedef struct session_reply {
    sl_arena *ar;          /* where the schema goes; NULL = do not parse it */
    sl_buf id;             /* UploadID / session_name / id */
    char status[32];       /* lower case */
    uint32_t *blocks;      /* UploadedBlockList (owned) */
    int nblocks;
    sl_mc_schema schema;
    uint32_t max_field;
    /* streams and upserts */
    char schema_version[32];
    int nslots;
    char (*slot_ids)[32];   /* owned */
    char (*slot_addr)[128]; /* owned */
    int **slot_buckets;     /* upsert: owned per slot */
    int *slot_nbuckets;
    char **hash_key;        /* upsert: owned */
    int nhash;
} session_reply;

static void reply_clear(session_reply *r)
{
    sl_buf_reset(&r->id);
    r->status[0] = 0;
    sl_free(r->blocks);
    r->blocks = NULL;
    r->nblocks = 0;
    for (int i = 0; i < r->nslots; i++) sl_free(r->slot_buckets ? r->slot_buckets[i] : NULL);
    sl_free(r->slot_ids);
    sl_free(r->slot_addr);
    sl_free(r->slot_buckets);
    sl_free(r->slot_nbuckets);
    r->slot_ids = NULL;
    r->slot_addr = NULL;
    r->slot_buckets = NULL;
    r->slot_nbuckets = NULL;
    r->nslots = 0;
    for (int i = 0; i < r->nhash; i++) sl_free(r->hash_key[i]);
    sl_free(r->hash_key);
    r->hash_key = NULL;
    r->nhash = 0;
    r->schema_version[0] = 0;
    r->max_field = 0;
    memset(&r->schema, 0, sizeof r->schema);
}

static void reply_free(session_reply *r)
{
    reply_clear(r);
    sl_buf_free(&r->id);
}

static int set_status(session_reply *r, json_t *st, int batch, sl_err *err)
{
    if (!json_is_string(st)) return sl_err_set(err, SL_DATA, "the session reply has no status");
    const char *s = json_string_value(st);
    size_t n = strlen(s);
    if (n >= sizeof r->status) return sl_err_set(err, SL_DATA, "unknown session status");
    for (size_t i = 0; i <= n; i++) r->status[i] = (char)tolower((unsigned char)s[i]);
    if (batch) {
        for (size_t i = 0; i < SL_ARRAY_LEN(upload_statuses); i++)
            if (strcmp(r->status, upload_statuses[i]) == 0) return SL_OK;
        return sl_err_set(err, SL_DATA, "unknown session status '%s'", r->status);
    }
    return SL_OK;
}

static int get_id(session_reply *r, json_t *v, const char *what, sl_err *err)
{
    if (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 256)
        return sl_err_set(err, SL_DATA, "the session reply has no %s", what);
    for (const char *p = json_string_value(v); *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return sl_err_set(err, SL_DATA, "the session reply's %s is malformed", what);
    sl_buf_reset(&r->id);
    sl_buf_puts(&r->id, json_string_value(v));
    return SL_OK;
}

static int get_schema(session_reply *r, json_t *schema, sl_err *err)
{
    if (!r->ar) return SL_OK;
    if (!json_is_object(schema)) return sl_err_set(err, SL_DATA, "the session reply has no schema");
    char *text = json_dumps(schema, JSON_COMPACT);
    int rc = sl_mc_parse_tunnel_schema(text, strlen(text), r->ar, &r->schema, err);
    free(text);
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The upload session JSON of spec 3.4. */
static int parse_upload_reply(const char *text, size_t n, session_reply *r, sl_err *err)
{
    json_error_t je;
    reply_clear(r);
    json_t *doc = json_loadb(text, n, 0, &je);
    int rc = SL_OK;
    if (!json_is_object(doc)) {
        rc = sl_err_set(err, SL_DATA, "the upload session reply is not a JSON object");
        goto done;
    }
    if ((rc = get_id(r, json_object_get(doc, "UploadID"), "UploadID", err))) goto done;
    if ((rc = set_status(r, json_object_get(doc, "Status"), 1, err))) goto done;
    json_t *bl = json_object_get(doc, "UploadedBlockList");
    if (bl && !json_is_array(bl)) {
        rc = sl_err_set(err, SL_DATA, "UploadedBlockList is not an array");
        goto done;
    }
    size_t nb = json_array_size(bl);
    if (nb > MAX_BLOCK_ID) {
        rc = sl_err_set(err, SL_DATA, "UploadedBlockList has %zu entries", nb);
        goto done;
    }
    r->blocks = nb ? sl_malloc(nb * sizeof *r->blocks) : NULL;
    for (size_t i = 0; i < nb; i++) {
        json_t *id = json_object_get(json_array_get(bl, i), "BlockID");
        if (!json_is_integer(id) || json_integer_value(id) < 0 ||
            json_integer_value(id) >= MAX_BLOCK_ID) {
            rc = sl_err_set(err, SL_DATA, "UploadedBlockList entry %zu has no valid BlockID", i);
            goto done;
        }
        r->blocks[r->nblocks++] = (uint32_t)json_integer_value(id);
    }
    if (r->nblocks) qsort(r->blocks, (size_t)r->nblocks, sizeof *r->blocks, cmp_u32);
    json_t *mf = json_object_get(doc, "MaxFieldSize");
    if (json_is_integer(mf) && json_integer_value(mf) > 0 && json_integer_value(mf) <= UINT32_MAX)
        r->max_field = (uint32_t)json_integer_value(mf);
    rc = get_schema(r, json_object_get(doc, "Schema"), err);
done:
    json_decref(doc);
    return rc;
}

static int parse_upload(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    return parse_upload_reply(resp->body.p ? resp->body.p : "", resp->body.n, ud, err);
}

/* ---- what every session has --------------------------------------------------------------- */

typedef struct session_base {
    sl_mc_client *c;
    char *table;
    char *spec; /* partition, tunnel form ("pt=07-13-2023 21"), "" when unpartitioned */
    char *path; /* resource: /projects/p/tables/t[/streams|/upserts] */
    char *id;   /* session id */
    sl_arena ar; /* the schema */
    sl_mc_schema schema;
} session_base;

static int base_init(session_base *b, sl_mc_client *c, const char *table, const char *partition,
                     const char *suffix, sl_err *err)
{
    sl_buf spec = SL_BUF_INIT, path = SL_BUF_INIT;
    memset(b, 0, sizeof *b);
    b->c = c;
    sl_arena_init(&b->ar, 0);
    int rc = table && *table ? mc_spec_parse(partition, NULL, &spec, err)
                             : sl_err_set(err, SL_MISUSE, "MaxCompute session: no table name");
    b->table = sl_strdup(table ? table : "");
    b->spec = rc == SL_OK ? sl_buf_detach(&spec) : sl_strdup("");
    mc_table_path(c, b->table, suffix, &path);
    b->path = sl_buf_detach(&path);
    sl_buf_free(&spec);
    return rc;
}

static void base_free(session_base *b)
{
    sl_free(b->table);
    sl_free(b->spec);
    sl_free(b->path);
    sl_free(b->id);
    sl_arena_free(&b->ar);
}

/* "create <kind> session on p.t partition s" */
static void base_what(const session_base *b, const char *kind, sl_buf *what)
{
    sl_buf_printf(what, "create %s session on %s.%s%s%s", kind, b->c->conf.project, b->table,
                  *b->spec ? " partition " : "", b->spec);
}

/* ---- batch upload sessions ----------------------------------------------------------------- */

typedef struct kept_block {
    uint32_t id;
    char *body;
    size_t n;
    int deflated;
} kept_block;

struct sl_mc_upload {
    session_base s;     /* s.id changes when an expired session is renewed: under mu */
    sl_mc_upload_opts opts;
    pthread_mutex_t mu; /* s.id, kept, expired */
    uint32_t max_field;
    kept_block *kept;
    int nkept, capkept;
    int expired;     /* a PUT found the session expired (keep_blocks: renew at commit) */
    int commit_sent; /* a commit POST may have been applied */
};

static void upload_call(sl_mc_upload *up, mc_call *call, const char *what, const char *method,
                        const char *id)
{
    memset(call, 0, sizeof *call);
    call->what = what;
    call->endpoint = MC_TUNNEL;
    call->method = method;
    call->path = up->s.path;
    if (id) mc_query(call, "uploadid", id);
    if (*up->s.spec) mc_query(call, "partition", up->s.spec);
}

/* POST ?uploads: a new session; fills up->s.id and the schema. */
static int create_session(sl_mc_upload *up, sl_err *err)
{
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    session_reply r = {.ar = &up->s.ar};
    mc_call call;
    base_what(&up->s, "an upload", &what);
    upload_call(up, &call, what.p, "POST", NULL);
    mc_query(&call, "uploads", NULL);
    if (up->opts.overwrite) mc_query(&call, "overwrite", "true");
    if (up->opts.create_partition) mc_query(&call, "create_partition", "true");
    call.safe_to_repeat = 1; /* a repeat leaves at most an unused session behind */
    call.parse = parse_upload;
    call.ud = &r;
    int rc = mc_exec(up->s.c, &call, &resp, NULL, err);
    if (rc == SL_OK && strcmp(r.status, "normal") != 0)
        rc = sl_err_set(err, SL_CONNECTOR, "MaxCompute %s: the new session %s has status %s",
                        what.p, r.id.p, r.status);
    if (rc == SL_OK) {
        pthread_mutex_lock(&up->mu);
        sl_free(up->s.id);
        up->s.id = sl_strdup(r.id.p);
        up->s.schema = r.schema;
        up->max_field = r.max_field;
        up->expired = 0;
        up->commit_sent = 0;
        pthread_mutex_unlock(&up->mu);
        sl_log(SL_LOG_INFO, LOG_COMPONENT, "upload session %s created on %s.%s%s%s", r.id.p,
               up->s.c->conf.project, up->s.table, *up->s.spec ? " " : "", up->s.spec);
    }
    reply_free(&r);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    return rc;
}

int sl_mc_upload_open(sl_mc_client *c, const char *table, const char *partition,
                      const sl_mc_upload_opts *opts, sl_mc_upload **out, sl_err *err)
{
    *out = NULL;
    sl_mc_upload *up = sl_calloc(1, sizeof *up);
    pthread_mutex_init(&up->mu, NULL);
    if (opts) up->opts = *opts;
    int rc = base_init(&up->s, c, table, partition, NULL, err);
    if (rc == SL_OK) rc = create_session(up, err);
    if (rc) {
        sl_mc_upload_close(up);
        return rc;
    }
    *out = up;
    return SL_OK;
}

const char *sl_mc_upload_id(const sl_mc_upload *up)
{
    return up->s.id;
}

const sl_mc_schema *sl_mc_upload_schema(const sl_mc_upload *up)
{
    return &up->s.schema;
}

uint32_t sl_mc_upload_max_field_size(const sl_mc_upload *up)
{
    return up->max_field;
}

void sl_mc_upload_close(sl_mc_upload *up)
{
    if (!up) return;
    for (int i = 0; i < up->nkept; i++) sl_free(up->kept[i].body);
    sl_free(up->kept);
    base_free(&up->s);
    pthread_mutex_destroy(&up->mu);
    sl_free(up);
}

/* GET ?uploadid=: status and block list. */
static int session_status(sl_mc_upload *up, const char *id, session_reply *r, sl_err *err)
{
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    mc_call call;
    sl_buf_printf(&what, "read the status of upload session %s", id);
    upload_call(up, &call, what.p, "GET", id);
    call.parse = parse_upload;
    call.ud = r;
    r->ar = NULL;
    int rc = mc_exec(up->s.c, &call, &resp, NULL, err);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    return rc;
}

int sl_mc_upload_status(sl_mc_upload *up, sl_mc_upload_state *out, sl_err *err)
{
    session_reply r = {0};
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&up->mu);
    char *id = sl_strdup(up->s.id);
    pthread_mutex_unlock(&up->mu);
    int rc = session_status(up, id, &r, err);
    if (rc == SL_OK) {
        snprintf(out->status, sizeof out->status, "%s", r.status);
        out->blocks = r.blocks;
        out->nblocks = r.nblocks;
        r.blocks = NULL;
        r.nblocks = 0;
    }
    reply_free(&r);
    sl_free(id);
    return rc;
}

/* Keep (or replace) the body of a block; takes body. */
static void keep_block(sl_mc_upload *up, uint32_t id, char *body, size_t n, int deflated)
{
    pthread_mutex_lock(&up->mu);
    for (int i = 0; i < up->nkept; i++) {
        if (up->kept[i].id == id) {
            sl_free(up->kept[i].body);
            up->kept[i] = (kept_block){id, body, n, deflated};
            pthread_mutex_unlock(&up->mu);
            return;
        }
    }
    if (up->nkept == up->capkept) {
        up->capkept = up->capkept ? up->capkept * 2 : 16;
        up->kept = sl_realloc(up->kept, (size_t)up->capkept * sizeof *up->kept);
    }
    up->kept[up->nkept++] = (kept_block){id, body, n, deflated};
    pthread_mutex_unlock(&up->mu);
}

/* One block PUT against session id (retried by the engine: same id, same body). */
static int put_block(sl_mc_upload *up, const char *id, uint32_t block_id, const void *body,
                     size_t n, int deflated, sl_err *err)
{
    char bid[16];
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    mc_call call;
    snprintf(bid, sizeof bid, "%u", block_id);
    sl_buf_printf(&what, "upload block %u of session %s", block_id, id);
    upload_call(up, &call, what.p, "PUT", id);
    mc_query(&call, "blockid", bid);
    call.body = body;
    call.body_len = n;
    call.content_type = "application/octet-stream";
    if (deflated) mc_header(&call, "Content-Encoding", "deflate");
    call.safe_to_repeat = 1; /* the same block id replaces the earlier upload */
    int rc = mc_exec(up->s.c, &call, &resp, NULL, err);
    if (call.attempts > 1) atomic_fetch_add(&up->s.c->st.blocks_resent, (uint64_t)call.attempts - 1);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    return rc;
}

/* The body is owned (and taken) when owned != 0. */
static int upload_block(sl_mc_upload *up, uint32_t block_id, const void *body, size_t n,
                        int deflated, int owned, sl_err *err)
{
    if (block_id >= MAX_BLOCK_ID) {
        if (owned) sl_free((void *)body);
        return sl_err_set(err, SL_MISUSE,
                          "block id %u is out of range: a session takes blocks 0..%d (spec 6)",
                          block_id, MAX_BLOCK_ID - 1);
    }
    pthread_mutex_lock(&up->mu);
    char *id = sl_strdup(up->s.id);
    int expired = up->expired;
    pthread_mutex_unlock(&up->mu);
    int rc = expired ? SL_OK : put_block(up, id, block_id, body, n, deflated, err);
    if (rc == SL_CONNECTOR && err->detail == 409) {
        /* StatusConflict: the session is no longer open. Say which state it is in. */
        session_reply r = {0};
        sl_err serr = SL_ERR_INIT;
        if (session_status(up, id, &r, &serr) == SL_OK && strcmp(r.status, "expired") == 0) {
            if (up->opts.keep_blocks) {
                sl_log(SL_LOG_WARN, LOG_COMPONENT,
                       "upload session %s expired; block %u is kept and the session will be "
                       "renewed at commit",
                       id, block_id);
                pthread_mutex_lock(&up->mu);
                up->expired = 1;
                pthread_mutex_unlock(&up->mu);
                sl_err_clear(err);
                rc = SL_OK;
            } else {
                sl_err_clear(err);
                rc = sl_err_set(err, SL_UNAVAILABLE,
                                "MaxCompute upload block %u: upload session %s has expired "
                                "(sessions live 24 hours): open a new session and upload all "
                                "its blocks again",
                                block_id, id);
                err->retriable = 1;
                err->origin = "maxcompute";
            }
        }
        reply_free(&r);
    }
    if (rc == SL_OK && up->opts.keep_blocks) {
        char *copy = (char *)body;
        if (!owned) {
            copy = sl_malloc(n ? n : 1);
            if (n) memcpy(copy, body, n);
        }
        keep_block(up, block_id, copy, n, deflated);
    } else if (owned) {
        sl_free((void *)body);
    }
    sl_free(id);
    return rc;
}

int sl_mc_upload_block(sl_mc_upload *up, uint32_t block_id, const void *body, size_t n,
                       int deflated, sl_err *err)
{
    return upload_block(up, block_id, body, n, deflated, 0, err);
}

/* a may be NULL when n is 0 (a status listing no block): bsearch must not see it. */
static int find_u32(const uint32_t *a, int n, uint32_t v)
{
    return n > 0 && bsearch(&v, a, (size_t)n, sizeof *a, cmp_u32) != NULL;
}

/* Re-send kept blocks to the current session: all of them, or only those in ids[0..n). */
static int resend_kept(sl_mc_upload *up, const uint32_t *ids, int n, sl_err *err)
{
    pthread_mutex_lock(&up->mu);
    char *id = sl_strdup(up->s.id);
    pthread_mutex_unlock(&up->mu);
    int rc = SL_OK;
    for (int i = 0; i < up->nkept && rc == SL_OK; i++) {
        kept_block *k = &up->kept[i];
        if (ids && !find_u32(ids, n, k->id)) continue;
        rc = put_block(up, id, k->id, k->body, k->n, k->deflated, err);
        if (rc == SL_OK) atomic_fetch_add(&up->s.c->st.blocks_resent, 1);
    }
    sl_free(id);
    return rc;
}

/* Replace an expired session by a new one and upload every kept block into it (M10). */
static int renew(sl_mc_upload *up, const char *old, sl_err *err)
{
    sl_log(SL_LOG_WARN, LOG_COMPONENT,
           "upload session %s expired before commit: opening a new session and uploading its "
           "%d blocks again",
           old, up->nkept);
    int rc = create_session(up, err);
    if (rc == SL_OK) rc = resend_kept(up, NULL, 0, err);
    if (rc == SL_OK) atomic_fetch_add(&up->s.c->st.sessions_renewed, 1);
    return rc;
}

static void list_ids(sl_buf *b, const uint32_t *ids, int n)
{
    for (int i = 0; i < n && i < 20; i++) sl_buf_printf(b, "%s%u", i ? "," : "", ids[i]);
    if (n > 20) sl_buf_printf(b, ",... (%d in all)", n);
}

static int commit_error(sl_mc_upload *up, const char *id, sl_err *err, int code,
                        const char *fmt, ...) SL_PRINTF(5, 6);
static int commit_error(sl_mc_upload *up, const char *id, sl_err *err, int code,
                        const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sl_err_set(err, code, "MaxCompute commit of upload session %s on %s.%s: %s", id,
               up->s.c->conf.project, up->s.table, msg);
    err->origin = "maxcompute";
    err->retriable = code == SL_UNAVAILABLE;
    return code;
}

int sl_mc_upload_commit(sl_mc_upload *up, const uint32_t *ids_in, int n, sl_err *err)
{
    sl_mc_client *c = up->s.c;
    uint32_t *ids = n ? sl_malloc((size_t)n * sizeof *ids) : NULL;
    session_reply r = {0};
    sl_buf what = SL_BUF_INIT, list = SL_BUF_INIT;
    int rc = SL_OK, posts = 0, renewed = 0, resent_round = 0;
    if (n) memcpy(ids, ids_in, (size_t)n * sizeof *ids);
    if (n) qsort(ids, (size_t)n, sizeof *ids, cmp_u32);
    for (int i = 1; i < n; i++)
        if (ids[i] == ids[i - 1]) {
            rc = sl_err_set(err, SL_MISUSE, "sl_mc_upload_commit: block %u listed twice", ids[i]);
            goto done;
        }

    for (int round = 0;; round++) {
        pthread_mutex_lock(&up->mu);
        char id[300];
        snprintf(id, sizeof id, "%s", up->s.id);
        int expired = up->expired;
        pthread_mutex_unlock(&up->mu);

        /* 1. Ask the session where it stands. */
        if (!expired) {
            if ((rc = session_status(up, id, &r, err))) {
                if (up->commit_sent)
                    sl_err_prefix(err, "the outcome of the commit of upload session %s is "
                                       "unknown (calling sl_mc_upload_commit again resolves it "
                                       "from the session status): ",
                                  id);
                goto done;
            }
        } else {
            snprintf(r.status, sizeof r.status, "expired");
        }
        if (strcmp(r.status, "closed") == 0) {
            if (up->commit_sent) {
                if (round > 0) {
                    atomic_fetch_add(&c->st.commits_confirmed, 1);
                    sl_log(SL_LOG_WARN, LOG_COMPONENT,
                           "commit of upload session %s: the answer was lost, the session "
                           "status is closed: committed once, not committing again",
                           id);
                }
                rc = SL_OK;
                goto done;
            }
            rc = commit_error(up, id, err, SL_CONNECTOR,
                              "the session is already closed, but this client did not commit "
                              "it");
            goto done;
        }
        if (strcmp(r.status, "expired") == 0) {
            if (up->opts.keep_blocks && !renewed) {
                renewed = 1;
                if ((rc = renew(up, id, err))) goto done;
                continue;
            }
            rc = commit_error(up, id, err, SL_UNAVAILABLE,
                              "the session has expired (sessions live 24 hours); its blocks "
                              "must be uploaded again in a new session");
            goto done;
        }
        if (strcmp(r.status, "committing") == 0 || strcmp(r.status, "closing") == 0) {
            if (round > c->conf.retry_times + 3) {
                rc = commit_error(up, id, err, SL_UNAVAILABLE, "the session stays '%s'",
                                  r.status);
                goto done;
            }
            mc_sleep_ms(mc_backoff_ms(c, SL_MIN(round, 6)));
            continue;
        }
        if (strcmp(r.status, "normal") != 0) {
            rc = commit_error(up, id, err, SL_CONNECTOR, "the session status is '%s'", r.status);
            goto done;
        }

        /* 2. The client-side block-list check (what the SDKs' commit(blocks) does). */
        uint32_t *missing = n ? sl_malloc((size_t)n * sizeof *missing) : NULL;
        int nmissing = 0, nextra = 0;
        for (int i = 0; i < n; i++)
            if (!find_u32(r.blocks, r.nblocks, ids[i])) missing[nmissing++] = ids[i];
        sl_buf_reset(&list);
        for (int i = 0; i < r.nblocks; i++)
            if (!find_u32(ids, n, r.blocks[i])) {
                sl_buf_printf(&list, "%s%u", nextra ? "," : "", r.blocks[i]);
                nextra++;
            }
        if (nextra) {
            sl_free(missing);
            rc = commit_error(up, id, err, SL_CONNECTOR,
                              "the server holds blocks that are not in the commit list: %s",
                              list.p);
            goto done;
        }
        if (nmissing) {
            int kept_all = up->opts.keep_blocks;
            for (int i = 0; i < nmissing && kept_all; i++) {
                int found = 0;
                for (int k = 0; k < up->nkept; k++) found |= up->kept[k].id == missing[i];
                kept_all = found;
            }
            sl_buf_reset(&list);
            list_ids(&list, missing, nmissing);
            if (!kept_all || resent_round++ > c->conf.retry_times) {
                sl_free(missing);
                rc = commit_error(up, id, err, SL_UNAVAILABLE,
                                  "the server lacks block(s) %s (UploadedBlockList); they must "
                                  "be uploaded again",
                                  list.p);
                goto done;
            }
            sl_log(SL_LOG_WARN, LOG_COMPONENT,
                   "commit of upload session %s: the server lacks block(s) %s; sending them "
                   "again",
                   id, list.p);
            rc = resend_kept(up, missing, nmissing, err);
            sl_free(missing);
            if (rc) goto done;
            continue;
        }
        sl_free(missing);

        /* 3. The commit POST. An unclear outcome goes back to step 1. */
        if (posts > c->conf.retry_times) {
            rc = commit_error(up, id, err, SL_UNAVAILABLE,
                              "the commit did not go through after %d attempts", posts);
            goto done;
        }
        if (posts > 0) mc_sleep_ms(mc_backoff_ms(c, posts - 1));
        posts++;
        sl_mc_http_resp resp = {0};
        session_reply cr = {0};
        mc_call call;
        int unclear = 0;
        sl_buf_reset(&what);
        sl_buf_printf(&what, "commit upload session %s", id);
        upload_call(up, &call, what.p, "POST", id);
        call.parse = parse_upload;
        call.ud = &cr;
        up->commit_sent = 1;
        sl_err cerr = SL_ERR_INIT;
        int prc = mc_exec(c, &call, &resp, &unclear, &cerr);
        long status = resp.status;
        sl_mc_http_resp_free(&resp);
        if (prc == SL_OK && strcmp(cr.status, "closed") == 0) {
            reply_free(&cr);
            sl_log(SL_LOG_INFO, LOG_COMPONENT, "upload session %s committed (%d blocks)", id, n);
            rc = SL_OK;
            goto done;
        }
        reply_free(&cr);
        if (prc == SL_OK || unclear || (prc == SL_CONNECTOR && status == 409)) {
            /* Answer lost, unclear, or a conflict that may be our own earlier commit. */
            atomic_fetch_add(&c->st.commit_checks, 1);
            sl_log(SL_LOG_WARN, LOG_COMPONENT,
                   "commit of upload session %s: %s; asking the session status before anything "
                   "else",
                   id, prc == SL_OK ? "the session is not closed yet" : cerr.msg);
            continue;
        }
        rc = sl_err_copy(err, &cerr);
        goto done;
    }
done:
    reply_free(&r);
    sl_free(ids);
    sl_buf_free(&what);
    sl_buf_free(&list);
    return rc;
}

/* ---- upload thread pool ------------------------------------------------------------------- */

typedef struct pool_job {
    sl_mc_upload *up;
    uint32_t id;
    char *body;
    size_t n;
    int deflated;
} pool_job;

struct sl_mc_pool {
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    pool_job *queue; /* ring of nthreads */
    int head, count, running, stop;
    sl_err first;
};

static void *pool_main(void *arg)
{
    sl_mc_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->count == 0) pthread_cond_wait(&p->work, &p->mu);
        if (p->count == 0) break; /* stop and nothing left */
        pool_job job = p->queue[p->head];
        p->head = (p->head + 1) % p->nthreads;
        p->count--;
        p->running++;
        pthread_mutex_unlock(&p->mu);
        sl_err e = SL_ERR_INIT;
        int rc = upload_block(job.up, job.id, job.body, job.n, job.deflated, 1, &e);
        pthread_mutex_lock(&p->mu);
        if (rc) sl_err_copy(&p->first, &e);
        p->running--;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int sl_mc_pool_open(int nthreads, sl_mc_pool **out, sl_err *err)
{
    *out = NULL;
    if (nthreads < 1 || nthreads > 256)
        return sl_err_set(err, SL_CONFIG, "upload pool size %d is not in 1..256", nthreads);
    sl_mc_pool *p = sl_calloc(1, sizeof *p);
    p->nthreads = nthreads;
    p->queue = sl_calloc((size_t)nthreads, sizeof *p->queue);
    p->threads = sl_calloc((size_t)nthreads, sizeof *p->threads);
    p->first = (sl_err)SL_ERR_INIT;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&p->threads[i], NULL, pool_main, p) != 0)
            sl_fatal("cannot start an upload thread");
    *out = p;
    return SL_OK;
}

int sl_mc_pool_submit(sl_mc_pool *p, sl_mc_upload *up, uint32_t block_id, sl_buf *body,
                      int deflated, sl_err *err)
{
    SL_UNUSED(err);
    size_t n = body->n;
    char *data = sl_buf_detach(body);
    pthread_mutex_lock(&p->mu);
    while (p->count + p->running >= p->nthreads) pthread_cond_wait(&p->done, &p->mu);
    p->queue[(p->head + p->count) % p->nthreads] = (pool_job){up, block_id, data, n, deflated};
    p->count++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    return SL_OK;
}

int sl_mc_pool_wait(sl_mc_pool *p, sl_err *err)
{
    pthread_mutex_lock(&p->mu);
    while (p->count + p->running > 0) pthread_cond_wait(&p->done, &p->mu);
    int rc = p->first.code;
    if (rc) sl_err_copy(err, &p->first);
    sl_err_clear(&p->first);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

void sl_mc_pool_close(sl_mc_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    sl_free(p->queue);
    sl_free(p->threads);
    sl_free(p);
}

/* ---- slots of stream and upsert replies ----------------------------------------------------- */

static int slot_text(json_t *v, char *out, size_t cap, const char *what, sl_err *err)
{
    const char *s = json_string_value(v);
    char num[32];
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        s = num;
    }
    if (!s || !*s || strlen(s) >= cap)
        return sl_err_set(err, SL_DATA, "the session reply has a malformed %s", what);
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return sl_err_set(err, SL_DATA, "the session reply has a malformed %s", what);
    snprintf(out, cap, "%s", s);
    return SL_OK;
}

static void alloc_slots(session_reply *r, size_t n, int buckets)
{
    r->slot_ids = sl_calloc(n ? n : 1, sizeof *r->slot_ids);
    r->slot_addr = sl_calloc(n ? n : 1, sizeof *r->slot_addr);
    if (buckets) {
        r->slot_buckets = sl_calloc(n ? n : 1, sizeof *r->slot_buckets);
        r->slot_nbuckets = sl_calloc(n ? n : 1, sizeof *r->slot_nbuckets);
    }
}

/* The stream session JSON of spec 3.6. */
static int parse_stream_reply(const char *text, size_t n, session_reply *r, sl_err *err)
{
    json_error_t je;
    reply_clear(r);
    json_t *doc = json_loadb(text, n, 0, &je);
    int rc = SL_OK;
    if (!json_is_object(doc)) {
        rc = sl_err_set(err, SL_DATA, "the stream session reply is not a JSON object");
        goto done;
    }
    if ((rc = get_id(r, json_object_get(doc, "session_name"), "session_name", err))) goto done;
    if ((rc = set_status(r, json_object_get(doc, "status"), 0, err))) goto done;
    if (strcmp(r->status, "normal") != 0) {
        /* "init" makes the Java SDK fail ("Session is initiating"); ask again. */
        rc = sl_err_set(err, SL_DATA, "the stream session is '%s', not 'normal'", r->status);
        goto done;
    }
    json_t *sv = json_object_get(doc, "schema_version");
    if (sv && (rc = slot_text(sv, r->schema_version, sizeof r->schema_version, "schema_version",
                              err)))
        goto done;
    json_t *slots = json_object_get(doc, "slots");
    size_t ns = json_array_size(slots);
    if (!json_is_array(slots) || ns == 0 || ns > 4096) {
        rc = sl_err_set(err, SL_DATA, "the stream session reply has no slots");
        goto done;
    }
    alloc_slots(r, ns, 0);
    for (size_t i = 0; i < ns; i++) {
        json_t *s = json_array_get(slots, i);
        if (!json_is_array(s) || json_array_size(s) != 2) {
            rc = sl_err_set(err, SL_DATA, "slot %zu is not a [slot id, server] pair", i);
            goto done;
        }
        r->nslots = (int)i + 1;
        if ((rc = slot_text(json_array_get(s, 0), r->slot_ids[i], sizeof r->slot_ids[i],
                            "slot id", err)) ||
            (rc = slot_text(json_array_get(s, 1), r->slot_addr[i], sizeof r->slot_addr[i],
                            "slot server", err)))
            goto done;
    }
    rc = get_schema(r, json_object_get(doc, "schema"), err);
done:
    json_decref(doc);
    return rc;
}

/* The upsert session JSON of spec 3.7. */
static int parse_upsert_reply(const char *text, size_t n, session_reply *r, sl_err *err)
{
    json_error_t je;
    reply_clear(r);
    json_t *doc = json_loadb(text, n, 0, &je);
    int rc = SL_OK;
    if (!json_is_object(doc)) {
        rc = sl_err_set(err, SL_DATA, "the upsert session reply is not a JSON object");
        goto done;
    }
    if ((rc = get_id(r, json_object_get(doc, "id"), "id", err))) goto done;
    if ((rc = set_status(r, json_object_get(doc, "status"), 0, err))) goto done;
    json_t *hk = json_object_get(doc, "hash_key");
    size_t nh = json_array_size(hk);
    if (nh > SL_MC_MAX_COLUMNS) {
        rc = sl_err_set(err, SL_DATA, "hash_key is too long");
        goto done;
    }
    r->hash_key = nh ? sl_calloc(nh, sizeof *r->hash_key) : NULL;
    for (size_t i = 0; i < nh; i++) {
        json_t *k = json_array_get(hk, i);
        if (!json_is_string(k)) {
            rc = sl_err_set(err, SL_DATA, "hash_key holds a non-string");
            goto done;
        }
        r->hash_key[r->nhash++] = sl_strdup(json_string_value(k));
    }
    json_t *slots = json_object_get(doc, "slots");
    size_t ns = json_array_size(slots);
    if (!json_is_array(slots) || ns == 0 || ns > 4096) {
        rc = sl_err_set(err, SL_DATA, "the upsert session reply has no slots");
        goto done;
    }
    alloc_slots(r, ns, 1);
    for (size_t i = 0; i < ns; i++) {
        json_t *s = json_array_get(slots, i), *b = json_object_get(s, "buckets");
        r->nslots = (int)i + 1;
        if ((rc = slot_text(json_object_get(s, "slot_id"), r->slot_ids[i], sizeof r->slot_ids[i],
                            "slot_id", err)) ||
            (rc = slot_text(json_object_get(s, "worker_addr"), r->slot_addr[i],
                            sizeof r->slot_addr[i], "worker_addr", err)))
            goto done;
        size_t nb = json_array_size(b);
        if (!json_is_array(b) || nb > 65536) {
            rc = sl_err_set(err, SL_DATA, "slot %s has no bucket list", r->slot_ids[i]);
            goto done;
        }
        r->slot_buckets[i] = sl_calloc(nb ? nb : 1, sizeof **r->slot_buckets);
        for (size_t k = 0; k < nb; k++) {
            json_t *v = json_array_get(b, k);
            if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                json_integer_value(v) >= 65536) {
                rc = sl_err_set(err, SL_DATA, "slot %s has a malformed bucket id",
                                r->slot_ids[i]);
                goto done;
            }
            r->slot_buckets[i][r->slot_nbuckets[i]++] = (int)json_integer_value(v);
        }
    }
    rc = get_schema(r, json_object_get(doc, "schema"), err);
done:
    json_decref(doc);
    return rc;
}

int sl_mc_parse_session_reply(int kind, const char *text, size_t n, sl_arena *ar, sl_err *err)
{
    session_reply r = {.ar = ar};
    int rc = kind == 0   ? parse_upload_reply(text, n, &r, err)
             : kind == 1 ? parse_stream_reply(text, n, &r, err)
                         : parse_upsert_reply(text, n, &r, err);
    reply_free(&r);
    return rc;
}

/* ---- streaming tunnel ----------------------------------------------------------------------- */

typedef struct stream_slot {
    char id[32];
    char server[128];
} stream_slot;

struct sl_mc_stream {
    session_base s;
    char schema_version[32];
    stream_slot *slots;
    int nslots;
    unsigned next;
};

static int parse_stream(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    return parse_stream_reply(resp->body.p ? resp->body.p : "", resp->body.n, ud, err);
}

static void stream_take_slots(sl_mc_stream *st, session_reply *r)
{
    sl_free(st->slots);
    st->slots = sl_calloc((size_t)r->nslots, sizeof *st->slots);
    for (int i = 0; i < r->nslots; i++) {
        snprintf(st->slots[i].id, sizeof st->slots[i].id, "%s", r->slot_ids[i]);
        snprintf(st->slots[i].server, sizeof st->slots[i].server, "%s", r->slot_addr[i]);
    }
    st->nslots = r->nslots;
    if (r->schema_version[0])
        snprintf(st->schema_version, sizeof st->schema_version, "%s", r->schema_version);
}

static void stream_call(sl_mc_stream *st, mc_call *call, const char *what, const char *method)
{
    memset(call, 0, sizeof *call);
    call->what = what;
    call->endpoint = MC_TUNNEL;
    call->method = method;
    call->path = st->s.path;
    mc_header(call, "odps-tunnel-sdk-support-schema-evolution", "true");
}

/* GET ?uploadid=: new slot list (502/504, slot count changes). */
static int stream_reload(sl_mc_stream *st, sl_err *err)
{
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    session_reply r = {0};
    mc_call call;
    sl_buf_printf(&what, "reload stream session %s", st->s.id);
    stream_call(st, &call, what.p, "GET");
    mc_query(&call, "uploadid", st->s.id);
    if (st->schema_version[0]) mc_query(&call, "schema_version", st->schema_version);
    if (*st->s.spec) mc_query(&call, "partition", st->s.spec);
    call.parse = parse_stream;
    call.ud = &r;
    int rc = mc_exec(st->s.c, &call, &resp, NULL, err);
    if (rc == SL_OK) {
        stream_take_slots(st, &r);
        atomic_fetch_add(&st->s.c->st.stream_reloads, 1);
    }
    reply_free(&r);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    return rc;
}

int sl_mc_stream_open(sl_mc_client *c, const char *table, const char *partition,
                      int create_partition, sl_mc_stream **out, sl_err *err)
{
    sl_buf what = SL_BUF_INIT;
    *out = NULL;
    sl_mc_stream *st = sl_calloc(1, sizeof *st);
    int rc = base_init(&st->s, c, table, partition, "/streams", err);
    if (rc) {
        sl_mc_stream_close(st);
        return rc;
    }
    sl_mc_http_resp resp = {0};
    session_reply r = {.ar = &st->s.ar};
    mc_call call;
    base_what(&st->s, "a stream", &what);
    stream_call(st, &call, what.p, "POST");
    if (*st->s.spec) mc_query(&call, "partition", st->s.spec);
    if (create_partition) mc_query(&call, "create_partition", NULL);
    call.safe_to_repeat = 1;
    call.parse = parse_stream;
    call.ud = &r;
    rc = mc_exec(c, &call, &resp, NULL, err);
    if (rc == SL_OK) {
        st->s.id = sl_strdup(r.id.p);
        st->s.schema = r.schema;
        stream_take_slots(st, &r);
        st->next = (unsigned)(sl_now_ns() % (uint64_t)st->nslots); /* Java: a random start */
        sl_log(SL_LOG_INFO, LOG_COMPONENT, "stream session %s created on %s.%s (%d slots)",
               st->s.id, c->conf.project, table, st->nslots);
    }
    reply_free(&r);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    if (rc) {
        sl_mc_stream_close(st);
        return rc;
    }
    *out = st;
    return SL_OK;
}

const char *sl_mc_stream_id(const sl_mc_stream *st)
{
    return st->s.id;
}

const sl_mc_schema *sl_mc_stream_schema(const sl_mc_stream *st)
{
    return &st->s.schema;
}

void sl_mc_stream_close(sl_mc_stream *st)
{
    if (!st) return;
    sl_free(st->slots);
    base_free(&st->s);
    sl_free(st);
}

typedef struct pack_ctx {
    sl_mc_stream *st;
    mc_call *call;
    int slot;
    char slot_num[16];
    char server[128];
    int reply_slots; /* slot count the reply named, -1 none */
    char reply_server[128];
} pack_ctx;

/* Point the call at slot i of the current slot list. */
static void pack_route(pack_ctx *p, int i)
{
    p->slot = i;
    snprintf(p->slot_num, sizeof p->slot_num, "%d", p->st->nslots);
    snprintf(p->server, sizeof p->server, "%s", p->st->slots[i].server);
    for (int k = 0; k < p->call->nquery; k++)
        if (strcmp(p->call->query[k].name, "slotid") == 0)
            p->call->query[k].value = p->st->slots[i].id;
}

static int pack_reply(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    pack_ctx *p = ud;
    const char *server = sl_mc_http_header(resp, "odps-tunnel-routed-server");
    const char *num = sl_mc_http_header(resp, "odps-tunnel-slot-num");
    char *end = NULL;
    long n = num ? strtol(num, &end, 10) : -1;
    if (!server || !*server || strlen(server) >= sizeof p->reply_server || !num || end == num ||
        *end || n < 1 || n > 4096)
        return sl_err_set(err, SL_DATA,
                          "the pack reply lacks odps-tunnel-routed-server/odps-tunnel-slot-num");
    p->reply_slots = (int)n;
    snprintf(p->reply_server, sizeof p->reply_server, "%s", server);
    return SL_OK;
}

static int pack_before_retry(void *ud, long status, sl_err *err)
{
    pack_ctx *p = ud;
    SL_UNUSED(status);
    int rc = stream_reload(p->st, err); /* Java reloads the session on 502/504 */
    if (rc == SL_OK) pack_route(p, p->slot % p->st->nslots);
    return rc;
}

int sl_mc_stream_write(sl_mc_stream *st, const void *body, size_t n, uint64_t nrecords,
                       int deflated, sl_err *err)
{
    char count[24];
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    mc_call call;
    pack_ctx p = {.st = st, .call = &call, .reply_slots = -1};
    int slot = (int)(st->next++ % (unsigned)st->nslots); /* round-robin per pack */
    snprintf(count, sizeof count, "%llu", (unsigned long long)nrecords);
    sl_buf_printf(&what, "write a pack of %llu records to stream session %s",
                  (unsigned long long)nrecords, st->s.id);
    stream_call(st, &call, what.p, "PUT");
    mc_query(&call, "uploadid", st->s.id);
    mc_query(&call, "slotid", st->slots[slot].id);
    if (st->schema_version[0]) mc_query(&call, "schema_version", st->schema_version);
    if (*st->s.spec) mc_query(&call, "partition", st->s.spec);
    mc_query(&call, "record_count", count);
    mc_query(&call, "check_latest_schema", "false");
    mc_header(&call, "odps-tunnel-slot-num", p.slot_num);
    mc_header(&call, "odps-tunnel-routed-server", p.server);
    if (deflated) mc_header(&call, "Content-Encoding", "deflate");
    call.content_type = "application/octet-stream";
    call.body = body;
    call.body_len = n;
    call.safe_to_repeat = 1; /* at-least-once, as the connector (spec 3.6, M13) */
    call.parse = pack_reply;
    call.before_retry = pack_before_retry;
    call.ud = &p;
    pack_route(&p, slot);
    int rc = mc_exec(st->s.c, &call, &resp, NULL, err);
    if (rc == SL_OK) {
        if (p.reply_slots != st->nslots) {
            sl_log(SL_LOG_INFO, LOG_COMPONENT,
                   "stream session %s: the service reports %d slots, the client had %d: "
                   "reloading",
                   st->s.id, p.reply_slots, st->nslots);
            rc = stream_reload(st, err);
        } else if (strcmp(p.reply_server, st->slots[p.slot].server) != 0) {
            snprintf(st->slots[p.slot].server, sizeof st->slots[p.slot].server, "%s",
                     p.reply_server); /* the slot moved: route its next packs there */
        }
    }
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    return rc;
}

/* ---- the SDKs' default primary-key hash (Java TypeHasher "default") ------------------------ */

/* Arithmetic right shifts and wrapping arithmetic, as Java's int and long do them. */
static int64_t asr64(int64_t v, int s)
{
    return v < 0 ? ~(int64_t)(~(uint64_t)v >> s) : (int64_t)((uint64_t)v >> s);
}

static int32_t asr32(int32_t v, int s)
{
    return v < 0 ? ~(int32_t)(~(uint32_t)v >> s) : (int32_t)((uint32_t)v >> s);
}

static int32_t hash_long(int64_t v)
{
    uint64_t l = (uint64_t)v;
    l = ~l + (l << 18);
    l ^= (uint64_t)asr64((int64_t)l, 31);
    l *= 21;
    l ^= (uint64_t)asr64((int64_t)l, 11);
    l += l << 6;
    l ^= (uint64_t)asr64((int64_t)l, 22);
    return (int32_t)(uint32_t)l;
}

static int32_t hash_bytes(const char *p, size_t n)
{
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++) {
        h += (uint32_t)(int32_t)(signed char)p[i]; /* Java bytes are signed */
        h += h << 10;
        h ^= (uint32_t)asr32((int32_t)h, 6);
    }
    h += h << 3;
    h ^= (uint32_t)asr32((int32_t)h, 11);
    h += h << 15;
    return (int32_t)h;
}

/* (seconds << 30) | nanos, as the TIMESTAMP and INTERVAL_DAY_TIME hashers fold them. */
static int32_t hash_sec_nanos(int64_t sec, uint32_t nanos)
{
    return hash_long((int64_t)(((uint64_t)sec << 30) | nanos));
}

static __int128 pow10_128(int n)
{
    __int128 p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

/* DECIMAL: the unscaled value at the column's scale, rounded half away from zero (the SDK's
** castBigDecimal2BigInteger), then one or two 64-bit halves hashed (precision > 18). */
static int32_t hash_decimal(const sl_mc_type *t, const sl_value *v)
{
    __int128 u = (v->flags & SL_VF_WIDE) ? *v->u.wide : (__int128)v->u.i;
    int vs = v->scale, ts = t->precision ? t->scale : 18;
    int neg = u < 0;
    unsigned __int128 m = neg ? (unsigned __int128)(-(u + 1)) + 1 : (unsigned __int128)u;
    if (vs > ts) {
        int d = vs - ts;
        unsigned __int128 p = d > 38 ? 0 : (unsigned __int128)pow10_128(d);
        unsigned __int128 q = p ? m / p : 0, rem = p ? m % p : m;
        if (p && rem >= p / 2 && p > 1) q += 1; /* first dropped digit >= 5 */
        m = q;
    } else if (vs < ts) {
        m *= (unsigned __int128)pow10_128(ts - vs);
    }
    __int128 r = neg ? -(__int128)m : (__int128)m;
    int64_t lo = (int64_t)(uint64_t)(unsigned __int128)r;
    if ((t->precision ? t->precision : 38) > 18)
        return (int32_t)((uint32_t)hash_long(lo) + (uint32_t)hash_long((int64_t)(r >> 64)));
    return hash_long(lo);
}

int sl_mc_hash_value(const sl_mc_type *t, const sl_value *v, int32_t *out, sl_err *err)
{
    *out = 0;
    if (v->tag == SL_V_NULL) return SL_OK;
    switch (t->id) {
    case SL_MC_BIGINT:
    case SL_MC_INT:
    case SL_MC_SMALLINT:
    case SL_MC_TINYINT:
        if (v->tag != SL_V_INT) break;
        *out = hash_long(v->u.i);
        return SL_OK;
    case SL_MC_BOOLEAN:
        if (v->tag != SL_V_BOOL) break;
        *out = v->u.i ? 0x172ba9c7 : -0x3a59cb12;
        return SL_OK;
    case SL_MC_FLOAT: {
        if (v->tag != SL_V_DOUBLE) break;
        float f = (float)v->u.d;
        uint32_t bits;
        memcpy(&bits, &f, 4);
        if (isnan(f)) bits = 0x7fc00000u; /* Float.floatToIntBits canonicalises NaN */
        *out = hash_long((int64_t)(int32_t)bits);
        return SL_OK;
    }
    case SL_MC_DOUBLE: {
        if (v->tag != SL_V_DOUBLE) break;
        uint64_t bits;
        memcpy(&bits, &v->u.d, 8);
        if (isnan(v->u.d)) bits = 0x7ff8000000000000ull;
        *out = hash_long((int64_t)bits);
        return SL_OK;
    }
    case SL_MC_STRING:
    case SL_MC_CHAR:
    case SL_MC_VARCHAR:
        if (v->tag != SL_V_STRING && v->tag != SL_V_BYTES) break;
        *out = hash_bytes(v->u.z, v->n);
        return SL_OK;
    case SL_MC_DATE:
        if (v->tag != SL_V_DATE && v->tag != SL_V_INT) break;
        *out = hash_long((int64_t)((uint64_t)v->u.i * 86400u));
        return SL_OK;
    case SL_MC_DATETIME:
        if (v->tag == SL_V_INT) *out = hash_long(v->u.i);
        else if (v->tag == SL_V_TIMESTAMP)
            *out = hash_long((int64_t)((uint64_t)v->u.i * 1000u + v->n / 1000000u));
        else break;
        return SL_OK;
    case SL_MC_TIMESTAMP:
    case SL_MC_TIMESTAMP_NTZ:
    case SL_MC_INTERVAL_DAY_TIME:
        if (v->tag != SL_V_TIMESTAMP || v->n >= 1000000000u) break;
        *out = hash_sec_nanos(v->u.i, v->n);
        return SL_OK;
    case SL_MC_DECIMAL:
        if (v->tag != SL_V_DECIMAL) break;
        *out = hash_decimal(t, v);
        return SL_OK;
    default:
        return sl_err_set(err, SL_DATA,
                          "a primary-key column of type %s cannot be hashed to a bucket (the "
                          "SDKs' hasher covers numbers, strings, dates and times)",
                          sl_mc_typeid_name(t->id));
    }
    return sl_err_set(err, SL_DATA, "primary-key value of the wrong kind for type %s",
                      sl_mc_typeid_name(t->id));
}

int32_t sl_mc_hash_combine(const int32_t *hashes, int n)
{
    uint32_t sum = 0;
    for (int i = 0; i < n; i++) sum += (uint32_t)hashes[i];
    return (int32_t)sum ^ asr32((int32_t)sum, 8);
}

/* ---- upsert sessions ------------------------------------------------------------------------ */

#define UPSERT_HIDDEN 5

typedef struct upsert_bucket {
    int slot;        /* index into slots */
    sl_mc_writer w;
    sl_buf body;
    int open;        /* writer initialised */
} upsert_bucket;

struct sl_mc_upsert {
    session_base s;      /* s.schema: the data columns */
    sl_mc_upsert_opts opts;
    sl_mc_schema full;   /* data columns + hidden ones: the record stream schema */
    int *key_index;      /* hash key columns in schema */
    int nkey;
    stream_slot *slots;
    int nslots;
    upsert_bucket *buckets;
    int nbuckets;
    sl_value *row;       /* scratch: ncol + hidden */
    int committed;
};

static int parse_upsert(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    return parse_upsert_reply(resp->body.p ? resp->body.p : "", resp->body.n, ud, err);
}

static void upsert_call(sl_mc_upsert *us, mc_call *call, const char *what, const char *method)
{
    memset(call, 0, sizeof *call);
    call->what = what;
    call->endpoint = MC_TUNNEL;
    call->method = method;
    call->path = us->s.path;
    if (us->s.id) mc_query(call, "upsertid", us->s.id);
}

/* Take the slot/bucket map of a reply; every bucket 0..n-1 must belong to exactly one slot. */
static int upsert_take_slots(sl_mc_upsert *us, session_reply *r, sl_err *err)
{
    int nb = 0;
    for (int i = 0; i < r->nslots; i++) nb += r->slot_nbuckets[i];
    if (nb == 0) return sl_err_set(err, SL_DATA, "the upsert session has no buckets");
    if (us->buckets && nb != us->nbuckets)
        return sl_err_set(err, SL_DATA, "the upsert session's bucket count changed from %d to %d",
                          us->nbuckets, nb);
    int *owner = sl_malloc((size_t)nb * sizeof *owner);
    for (int b = 0; b < nb; b++) owner[b] = -1;
    for (int i = 0; i < r->nslots; i++)
        for (int k = 0; k < r->slot_nbuckets[i]; k++) {
            int b = r->slot_buckets[i][k];
            if (b >= nb || owner[b] >= 0) {
                sl_free(owner);
                return sl_err_set(err, SL_DATA, "the upsert session's bucket list is not 0..%d, "
                                  "each bucket in one slot", nb - 1);
            }
            owner[b] = i;
        }
    if (!us->buckets) {
        us->buckets = sl_calloc((size_t)nb, sizeof *us->buckets);
        us->nbuckets = nb;
    }
    for (int b = 0; b < nb; b++) us->buckets[b].slot = owner[b];
    sl_free(owner);
    sl_free(us->slots);
    us->slots = sl_calloc((size_t)r->nslots, sizeof *us->slots);
    for (int i = 0; i < r->nslots; i++) {
        snprintf(us->slots[i].id, sizeof us->slots[i].id, "%s", r->slot_ids[i]);
        snprintf(us->slots[i].server, sizeof us->slots[i].server, "%s", r->slot_addr[i]);
    }
    us->nslots = r->nslots;
    return SL_OK;
}

static int upsert_reload(sl_mc_upsert *us, sl_err *err)
{
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    session_reply r = {0};
    mc_call call;
    sl_buf_printf(&what, "reload upsert session %s", us->s.id);
    upsert_call(us, &call, what.p, "GET");
    call.parse = parse_upsert;
    call.ud = &r;
    int rc = mc_exec(us->s.c, &call, &resp, NULL, err);
    if (rc == SL_OK) rc = upsert_take_slots(us, &r, err);
    reply_free(&r);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    return rc;
}

int sl_mc_upsert_open(sl_mc_client *c, const char *table, const char *partition,
                      const sl_mc_upsert_opts *opts, sl_mc_upsert **out, sl_err *err)
{
    static const char *const hidden[UPSERT_HIDDEN][2] = {{"__version", "bigint"},
                                                          {"__app_version", "bigint"},
                                                          {"__operation", "tinyint"},
                                                          {"__key_cols", "array<bigint>"},
                                                          {"__value_cols", "array<bigint>"}};
    sl_buf what = SL_BUF_INIT;
    char slotnum[16], lifecycle[16];
    *out = NULL;
    sl_mc_upsert_opts o = {1, 0, 4u << 20};
    if (opts) {
        if (opts->slot_num) o.slot_num = opts->slot_num;
        o.lifecycle_h = opts->lifecycle_h;
        if (opts->flush_bytes) o.flush_bytes = opts->flush_bytes;
    }
    if (o.slot_num < 1 || o.lifecycle_h < 0 || o.lifecycle_h > 24)
        return sl_err_set(err, SL_MISUSE, "sl_mc_upsert_open: slot_num must be >= 1 and "
                          "lifecycle_h in 0..24");
    sl_mc_upsert *us = sl_calloc(1, sizeof *us);
    us->opts = o;
    int rc = base_init(&us->s, c, table, partition, "/upserts", err);
    if (rc) {
        sl_mc_upsert_close(us);
        return rc;
    }

    sl_mc_http_resp resp = {0};
    session_reply r = {.ar = &us->s.ar};
    mc_call call;
    base_what(&us->s, "an upsert", &what);
    upsert_call(us, &call, what.p, "POST");
    snprintf(slotnum, sizeof slotnum, "%d", o.slot_num);
    mc_query(&call, "slotnum", slotnum);
    if (*us->s.spec) mc_query(&call, "partition", us->s.spec);
    if (o.lifecycle_h) {
        snprintf(lifecycle, sizeof lifecycle, "%d", o.lifecycle_h);
        mc_query(&call, "lifecycle", lifecycle);
    }
    call.safe_to_repeat = 1;
    call.parse = parse_upsert;
    call.ud = &r;
    rc = mc_exec(c, &call, &resp, NULL, err);
    if (rc == SL_OK && strcmp(r.status, "normal") != 0)
        rc = sl_err_set(err, SL_CONNECTOR, "MaxCompute %s: the new session has status %s", what.p,
                        r.status);
    if (rc == SL_OK) {
        us->s.id = sl_strdup(r.id.p);
        us->s.schema = r.schema;
        rc = upsert_take_slots(us, &r, err);
    }
    if (rc == SL_OK && r.nhash == 0)
        rc = sl_err_set(err, SL_CONNECTOR, "MaxCompute %s: the session names no hash key "
                        "(primary key)", what.p);
    if (rc == SL_OK) {
        us->nkey = r.nhash;
        us->key_index = sl_arena_calloc(&us->s.ar, (size_t)r.nhash * sizeof *us->key_index);
        for (int i = 0; i < r.nhash && rc == SL_OK; i++) {
            us->key_index[i] = -1;
            for (int k = 0; k < us->s.schema.ncol; k++)
                if (sl_strcaseeq(us->s.schema.cols[k].name, r.hash_key[i])) us->key_index[i] = k;
            if (us->key_index[i] < 0)
                rc = sl_err_set(err, SL_DATA, "MaxCompute %s: hash key %s is not a column", what.p,
                                r.hash_key[i]);
        }
    }
    if (rc == SL_OK) {
        int n = us->s.schema.ncol + UPSERT_HIDDEN;
        sl_mc_column *cols = sl_arena_calloc(&us->s.ar, (size_t)n * sizeof *cols);
        memcpy(cols, us->s.schema.cols, (size_t)us->s.schema.ncol * sizeof *cols);
        for (int i = 0; i < UPSERT_HIDDEN && rc == SL_OK; i++) {
            cols[us->s.schema.ncol + i].name = hidden[i][0];
            rc = sl_mc_type_parse(&us->s.ar, hidden[i][1], (size_t)-1,
                                  &cols[us->s.schema.ncol + i].type, err);
        }
        us->full = (sl_mc_schema){n, cols};
        us->row = sl_arena_calloc(&us->s.ar, (size_t)n * sizeof *us->row);
        sl_log(SL_LOG_INFO, LOG_COMPONENT, "upsert session %s created on %s.%s (%d buckets)",
               us->s.id ? us->s.id : "?", c->conf.project, table, us->nbuckets);
    }
    reply_free(&r);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    if (rc) {
        sl_mc_upsert_close(us);
        return rc;
    }
    *out = us;
    return SL_OK;
}

const char *sl_mc_upsert_id(const sl_mc_upsert *us)
{
    return us->s.id;
}

const sl_mc_schema *sl_mc_upsert_schema(const sl_mc_upsert *us)
{
    return &us->s.schema;
}

void sl_mc_upsert_close(sl_mc_upsert *us)
{
    if (!us) return;
    for (int b = 0; b < us->nbuckets; b++) {
        if (us->buckets[b].open) sl_mc_writer_free(&us->buckets[b].w);
        sl_buf_free(&us->buckets[b].body);
    }
    sl_free(us->buckets);
    sl_free(us->slots);
    base_free(&us->s);
    sl_free(us);
}

typedef struct bucket_put {
    sl_mc_upsert *us;
    mc_call *call;
    int bucket;
    char server[128];
} bucket_put;

static void bucket_route(bucket_put *p)
{
    sl_mc_upsert *us = p->us;
    stream_slot *s = &us->slots[us->buckets[p->bucket].slot];
    snprintf(p->server, sizeof p->server, "%s", s->server);
    for (int k = 0; k < p->call->nquery; k++)
        if (strcmp(p->call->query[k].name, "slotid") == 0) p->call->query[k].value = s->id;
}

static int bucket_before_retry(void *ud, long status, sl_err *err)
{
    bucket_put *p = ud;
    SL_UNUSED(status);
    int rc = upsert_reload(p->us, err); /* 308: the slot map changed (spec 3.7) */
    if (rc == SL_OK) bucket_route(p);
    return rc;
}

/* Finish bucket b's pack and PUT it. */
static int flush_bucket(sl_mc_upsert *us, int b, sl_err *err)
{
    upsert_bucket *bk = &us->buckets[b];
    if (!bk->open || sl_mc_writer_records(&bk->w) == 0) return SL_OK;
    int rc = sl_mc_writer_finish(&bk->w, err);
    if (rc) return rc;
    char bid[16], count[24];
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    mc_call call;
    bucket_put p = {.us = us, .call = &call, .bucket = b};
    snprintf(bid, sizeof bid, "%d", b);
    snprintf(count, sizeof count, "%llu", (unsigned long long)sl_mc_writer_records(&bk->w));
    sl_buf_printf(&what, "write %s records to bucket %d of upsert session %s", count, b, us->s.id);
    upsert_call(us, &call, what.p, "PUT");
    mc_query(&call, "bucketid", bid);
    mc_query(&call, "slotid", "");
    mc_query(&call, "record_count", count);
    mc_header(&call, "odps-tunnel-routed-server", p.server);
    mc_header(&call, "Content-Encoding", "deflate");
    call.content_type = "application/octet-stream";
    call.body = bk->body.p;
    call.body_len = bk->body.n;
    /* Operations take effect at commit, in order; a repeated pack repeats the same sequence,
    ** which leaves every key as the pack left it. */
    call.safe_to_repeat = 1;
    call.before_retry = bucket_before_retry;
    call.ud = &p;
    bucket_route(&p);
    rc = mc_exec(us->s.c, &call, &resp, NULL, err);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    sl_buf_reset(&bk->body);
    sl_mc_writer_restart(&bk->w, &bk->body);
    return rc;
}

int sl_mc_upsert_write(sl_mc_upsert *us, int op, const sl_value *vals, int nvals, sl_err *err)
{
    if (op != SL_MC_UPSERT && op != SL_MC_DELETE)
        return sl_err_set(err, SL_MISUSE, "sl_mc_upsert_write: op must be SL_MC_UPSERT or "
                          "SL_MC_DELETE");
    if (us->committed)
        return sl_err_set(err, SL_MISUSE, "upsert session %s is already committed", us->s.id);
    if (nvals < 0 || nvals > us->s.schema.ncol)
        return sl_err_set(err, SL_MISUSE, "sl_mc_upsert_write: %d values for %d columns", nvals,
                          us->s.schema.ncol);
    int32_t h[64], *hs = us->nkey <= 64 ? h : sl_malloc((size_t)us->nkey * sizeof *hs);
    int rc = SL_OK;
    for (int i = 0; i < us->nkey && rc == SL_OK; i++) {
        int k = us->key_index[i];
        const sl_mc_column *col = &us->s.schema.cols[k];
        if (k >= nvals || vals[k].tag == SL_V_NULL)
            rc = sl_err_set(err, SL_DATA, "upsert into %s.%s: primary-key column %s is NULL",
                            us->s.c->conf.project, us->s.table, col->name);
        else
            rc = sl_mc_hash_value(col->type, &vals[k], &hs[i], err);
        if (rc) sl_err_prefix(err, "column %s: ", col->name);
    }
    int bucket = rc == SL_OK ? (int)((uint32_t)sl_mc_hash_combine(hs, us->nkey) %
                                     (uint32_t)us->nbuckets)
                             : 0;
    if (hs != h) sl_free(hs);
    if (rc) return rc;

    upsert_bucket *bk = &us->buckets[bucket];
    if (!bk->open) {
        sl_mc_writer_opts wo = {SL_MC_COMPRESS_DEFLATE, 1, 0};
        if ((rc = sl_mc_writer_init(&bk->w, &us->full, &wo, &bk->body, err))) return rc;
        bk->open = 1;
    }
    int ncol = us->s.schema.ncol;
    for (int i = 0; i < ncol; i++) us->row[i] = i < nvals ? vals[i] : sl_null();
    us->row[ncol + 0] = sl_null();                    /* __version */
    us->row[ncol + 1] = sl_null();                    /* __app_version */
    us->row[ncol + 2] = sl_int(op);                   /* __operation: 'U' or 'D' */
    us->row[ncol + 3] = sl_null();                    /* __key_cols */
    sl_value empty = {0};
    empty.tag = SL_V_ARRAY;                           /* __value_cols: [] = every column */
    us->row[ncol + 4] = empty;
    if ((rc = sl_mc_write_record(&bk->w, us->row, ncol + UPSERT_HIDDEN, err))) return rc;
    if (sl_mc_writer_size(&bk->w) >= us->opts.flush_bytes) rc = flush_bucket(us, bucket, err);
    return rc;
}

int sl_mc_upsert_flush(sl_mc_upsert *us, sl_err *err)
{
    for (int b = 0; b < us->nbuckets; b++) {
        int rc = flush_bucket(us, b, err);
        if (rc) return rc;
    }
    return SL_OK;
}

int sl_mc_upsert_commit(sl_mc_upsert *us, sl_err *err)
{
    int rc = sl_mc_upsert_flush(us, err);
    if (rc) return rc;
    sl_buf what = SL_BUF_INIT;
    session_reply r = {0};
    char server[128];
    sl_buf_printf(&what, "commit upsert session %s", us->s.id);
    /* The Java SDK repeats POST + GET until the session says committed. */
    for (int round = 0;; round++) {
        sl_mc_http_resp resp = {0};
        mc_call call;
        upsert_call(us, &call, what.p, "POST");
        snprintf(server, sizeof server, "%s", us->slots[us->buckets[0].slot].server);
        mc_header(&call, "odps-tunnel-routed-server", server);
        call.safe_to_repeat = 1; /* a repeated commit answers "committed" */
        call.parse = parse_upsert;
        call.ud = &r;
        rc = mc_exec(us->s.c, &call, &resp, NULL, err);
        sl_mc_http_resp_free(&resp);
        if (rc) break;
        if (strcmp(r.status, "committed") == 0) {
            us->committed = 1;
            break;
        }
        if (strcmp(r.status, "committing") != 0 && strcmp(r.status, "normal") != 0) {
            rc = sl_err_set(err, SL_CONNECTOR, "MaxCompute %s: the session status is '%s'",
                            what.p, r.status);
            break;
        }
        if (round >= us->s.c->conf.retry_times + 3) {
            rc = sl_err_set(err, SL_UNAVAILABLE, "MaxCompute %s: still '%s' after %d polls",
                            what.p, r.status, round + 1);
            err->retriable = 1;
            break;
        }
        mc_sleep_ms(mc_backoff_ms(us->s.c, SL_MIN(round, 6)));
    }
    reply_free(&r);
    sl_buf_free(&what);
    return rc;
}

int sl_mc_upsert_abort(sl_mc_upsert *us, sl_err *err)
{
    sl_buf what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    mc_call call;
    sl_buf_printf(&what, "abort upsert session %s", us->s.id);
    upsert_call(us, &call, what.p, "DELETE");
    call.safe_to_repeat = 1;
    int rc = mc_exec(us->s.c, &call, &resp, NULL, err);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&what);
    for (int b = 0; b < us->nbuckets; b++)
        if (us->buckets[b].open) {
            sl_buf_reset(&us->buckets[b].body);
            sl_mc_writer_restart(&us->buckets[b].w, &us->buckets[b].body);
        }
    return rc;
}
