/*
** connectors/maxcompute/client_int.h — what client.c, sts.c and tunnel.c share: the client
** object, the signed request engine with its retry policy, and the reply parsers (exported
** for the unit tests and the fuzz target, not for other layers).
**
** The engine (mc_exec) runs one logical call: it takes a pooled HTTP handle, signs the request
** with the current credentials, sends it, classifies the outcome and retries within
** retry_times:
**
**   outcome                         retried?                     wait
**   2xx with a reply that parses    done                         -
**   2xx, reply does not parse       yes (M16)                    backoff
**   429                             yes                          Retry-After / HoldClientMillis
**                                                                / backoff, capped
**   5xx                             yes                          HoldClientMillis / backoff
**   401 with STS credentials        once, after a credential refresh
**   connection refused / DNS        yes (nothing was sent)        backoff
**   reset, timeout, lost reply      yes if the call is safe to repeat; otherwise the call
**                                   returns at once with *unclear set, and its owner asks
**                                   the service what happened (commit)
**   other 4xx                       no: SL_CONNECTOR
**
** A 5xx or an unparsable 2xx to a call that is not safe to repeat is "unclear" as well.
** backoff = retry_backoff_ms * 2^attempt, capped at retry_backoff_max_ms.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_CLIENT_INT_H
#define SL_MC_CLIENT_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "connectors/maxcompute/client.h"
#include "connectors/maxcompute/http.h"

typedef struct mc_sts mc_sts;

struct sl_mc_client {
    sl_mc_client_conf conf; /* strings point into arena */
    sl_arena arena;         /* copies of the configuration strings */
    char *rest;             /* REST endpoint without a trailing '/' */
    char *tunnel;           /* tunnel endpoint once known (under mu) */
    char user_agent[48];    /* "sluice/<version>" */
    pthread_mutex_t mu;     /* idle handles, tunnel endpoint */
    sl_mc_http **idle;
    int nidle, capidle;
    mc_sts *sts; /* NULL for ALIYUN accounts */
    struct {
        atomic_uint_fast64_t requests, retries, throttled, server, transport, malformed, sts_fetches,
            commit_checks, commits_confirmed, blocks_resent, sessions_renewed, stream_reloads;
    } st;
};

/* Signing credentials of one request (owned copies). */
typedef struct mc_creds {
    char *id, *secret, *token; /* token NULL for long-term keys */
} mc_creds;

void mc_creds_free(mc_creds *cr);

typedef enum mc_endpoint {
    MC_REST = 0, /* XML errors */
    MC_TUNNEL,   /* JSON errors */
    MC_STS       /* RPC-signed query, XML errors, no ODPS signature */
} mc_endpoint;

#define MC_MAX_QUERY 16
#define MC_MAX_HEADERS 12

typedef struct mc_call {
    const char *what;   /* "read the schema of table t": starts every error message */
    int endpoint;       /* mc_endpoint */
    const char *method; /* "GET" ... */
    const char *path;   /* decoded resource path ("/projects/p/tables/t"); STS: "/" */
    sl_mc_kv query[MC_MAX_QUERY]; /* decoded; curr_project is added by the engine */
    int nquery;
    sl_mc_kv headers[MC_MAX_HEADERS]; /* call-specific headers */
    int nheaders;
    const void *body; /* borrowed */
    size_t body_len;
    const char *content_type;
    int safe_to_repeat;  /* the call may be sent again when its outcome is unclear */
    int accept_status;   /* a non-2xx status that is an answer, not an error (404 for "exists?") */
    /* Called on a 2xx (or accept_status) reply; SL_DATA means "malformed", which is retried. */
    int (*parse)(void *ud, const sl_mc_http_resp *resp, sl_err *err);
    /* Called before a retry caused by status (502/504/308 ...); may reload a session. */
    int (*before_retry)(void *ud, long status, sl_err *err);
    /* STS: rebuilds the signed query for every attempt (fresh nonce and timestamp). */
    int (*sts_query)(void *ud, sl_buf *query, sl_err *err);
    void *ud;
    int attempts; /* set by mc_exec: HTTP exchanges made */
} mc_call;

/* Add a query parameter / header to a call (value copied by reference: must outlive the call). */
void mc_query(mc_call *call, const char *name, const char *value);
void mc_header(mc_call *call, const char *name, const char *value);

/*
** Run call (see the table above). resp receives the final reply (zero-initialise it; free with
** sl_mc_http_resp_free). *unclear, when not NULL, is set to 1 when the call failed in a way
** that leaves open whether the service applied it. Returns SL_OK for 2xx (and accept_status).
*/
int mc_exec(sl_mc_client *c, mc_call *call, sl_mc_http_resp *resp, int *unclear, sl_err *err);

/* Sleep for the retry after `attempt` failed attempts (0-based), in ms. */
int64_t mc_backoff_ms(const sl_mc_client *c, int attempt);
void mc_sleep_ms(int64_t ms);

/* Credentials to sign with now (fetching STS credentials when needed). */
int mc_creds_get(sl_mc_client *c, mc_creds *out, sl_err *err);

/* Resource paths: "/projects/<p>[/schemas/<s>]/tables/<t><suffix>" into b. */
void mc_table_path(const sl_mc_client *c, const char *table, const char *suffix, sl_buf *b);

/*
** Parse a partition spec (client.h) into its REST form "k='v',k2='v2'" (rest, may be NULL) and
** its tunnel form "k=v,k2=v2" (tunnel, may be NULL). NULL or "" gives empty forms.
*/
int mc_spec_parse(const char *spec, sl_buf *rest, sl_buf *tunnel, sl_err *err);

/* ---- reply parsers (untrusted input: never crash, SL_DATA with a reason) ---------------------- */

/* The <Table> document of spec 3.1 into *out (allocated in ar). */
int sl_mc_parse_table_xml(const char *xml, size_t n, sl_arena *ar, sl_mc_table *out, sl_err *err);

/* A tunnel "Schema"/"schema" object {columns:[{name,type,nullable}], partitionKeys:[..]} given
** as JSON text: the data columns into *out (allocated in ar). */
int sl_mc_parse_tunnel_schema(const char *json, size_t n, sl_arena *ar, sl_mc_schema *out,
                              sl_err *err);

/* The error code, message and request id of an error reply body (XML or JSON), each appended
** to its buffer when found. Returns 1 when the body was a recognisable error document. */
int sl_mc_parse_error(const char *body, size_t n, sl_buf *code, sl_buf *msg, sl_buf *request_id);

/* The credentials of an AssumeRole XML reply; SL_DATA when a field is missing. *expires is
** the Expiration as epoch seconds (0 when absent or unparsable). */
int sl_mc_parse_sts_reply(const char *xml, size_t n, mc_creds *out, int64_t *expires,
                          sl_err *err);

/* Parse a session reply: kind 0 upload (spec 3.4), 1 stream (3.6), 2 upsert (3.7); the schema
** goes to ar. For tests and the fuzz target: the sessions use the same parsers. */
int sl_mc_parse_session_reply(int kind, const char *text, size_t n, sl_arena *ar, sl_err *err);

#endif
