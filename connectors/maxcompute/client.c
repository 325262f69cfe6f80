/*
** connectors/maxcompute/client.c — the MaxCompute client: configuration, the signed request
** engine with its retry policy (client_int.h), table schemas, tunnel endpoint discovery,
** partitions through the SQL instance flow. Sessions are in tunnel.c, STS in sts.c.
**
** SPDX-License-Identifier: MIT
*/
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"
#include "connectors/maxcompute/client_int.h"
#include "connectors/maxcompute/sts.h"
#include "connectors/maxcompute/wire.h"

#define LOG_COMPONENT "maxcompute"

/* ---- configuration ------------------------------------------------------------------------- */

void sl_mc_client_conf_init(sl_mc_client_conf *conf)
{
    memset(conf, 0, sizeof *conf);
    conf->account_type = SL_MC_ACCOUNT_ALIYUN;
    conf->sts_duration_s = 3600;
    conf->sts_refresh_ms = 55 * 60 * 1000;
    conf->client_timeout_ms = 11LL * 3600 * 1000;
    conf->connect_timeout_ms = 10 * 1000;
    conf->read_timeout_ms = 300 * 1000;
    conf->retry_times = 3;
    conf->retry_backoff_ms = 1000;
    conf->retry_backoff_max_ms = 64 * 1000;
    conf->instance_poll_ms = 1000;
    conf->instance_timeout_ms = 600 * 1000;
}

static const char *dup_opt(sl_arena *ar, const char *s)
{
    return s && *s ? sl_arena_strdup(ar, s) : NULL;
}

static int is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static char *strip_slash(sl_arena *ar, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/') n--;
    return sl_arena_strndup(ar, s, n);
}

int sl_mc_client_open(const sl_mc_client_conf *conf, sl_mc_client **out, sl_err *err)
{
    *out = NULL;
    if (!conf->endpoint || !*conf->endpoint)
        return sl_err_set(err, SL_CONFIG, "MaxCompute client: 'endpoint' is required");
    if (!is_url(conf->endpoint))
        return sl_err_set(err, SL_CONFIG,
                          "MaxCompute client: 'endpoint' must be an http:// or https:// URL, "
                          "got '%s'",
                          conf->endpoint);
    if (conf->tunnel_endpoint && *conf->tunnel_endpoint && !is_url(conf->tunnel_endpoint))
        return sl_err_set(err, SL_CONFIG,
                          "MaxCompute client: 'tunnel_endpoint' must be an http:// or https:// "
                          "URL, got '%s'",
                          conf->tunnel_endpoint);
    if (!conf->project || !*conf->project)
        return sl_err_set(err, SL_CONFIG, "MaxCompute client: 'project' is required");
    if (conf->account_type != SL_MC_ACCOUNT_ALIYUN && conf->account_type != SL_MC_ACCOUNT_STS)
        return sl_err_set(err, SL_CONFIG,
                          "MaxCompute client: account type %d is neither ALIYUN nor STS",
                          conf->account_type);
    if (conf->account_type == SL_MC_ACCOUNT_ALIYUN &&
        (!conf->access_id || !*conf->access_id || !conf->access_key || !*conf->access_key))
        return sl_err_set(err, SL_CONFIG,
                          "MaxCompute client: 'access_id' and 'access_key' are required for "
                          "account_type ALIYUN");
    struct {
        const char *name;
        int64_t v;
    } positive[] = {{"client_timeout_ms", conf->client_timeout_ms},
                    {"connect_timeout_ms", conf->connect_timeout_ms},
                    {"read_timeout_ms", conf->read_timeout_ms},
                    {"retry_backoff_ms", conf->retry_backoff_ms},
                    {"retry_backoff_max_ms", conf->retry_backoff_max_ms},
                    {"instance_poll_ms", conf->instance_poll_ms},
                    {"instance_timeout_ms", conf->instance_timeout_ms},
                    {"sts_refresh_ms", conf->sts_refresh_ms},
                    {"sts_duration_s", conf->sts_duration_s}};
    for (size_t i = 0; i < SL_ARRAY_LEN(positive); i++)
        if (positive[i].v <= 0)
            return sl_err_set(err, SL_CONFIG,
                              "MaxCompute client: '%s' must be positive, got %lld",
                              positive[i].name, (long long)positive[i].v);

    sl_mc_client *c = sl_calloc(1, sizeof *c);
    sl_arena_init(&c->arena, 0);
    c->conf = *conf;
    c->conf.endpoint = dup_opt(&c->arena, conf->endpoint);
    c->conf.tunnel_endpoint = dup_opt(&c->arena, conf->tunnel_endpoint);
    c->conf.project = dup_opt(&c->arena, conf->project);
    c->conf.schema = dup_opt(&c->arena, conf->schema);
    c->conf.access_id = dup_opt(&c->arena, conf->access_id);
    c->conf.access_key = dup_opt(&c->arena, conf->access_key);
    c->conf.sts_endpoint = dup_opt(&c->arena, conf->sts_endpoint);
    c->conf.region_id = dup_opt(&c->arena, conf->region_id);
    c->conf.account_id = dup_opt(&c->arena, conf->account_id);
    c->conf.role_name = dup_opt(&c->arena, conf->role_name);
    c->conf.ca_file = dup_opt(&c->arena, conf->ca_file);
    if (c->conf.retry_times < 0) c->conf.retry_times = 3; /* the connector's rule */
    c->rest = strip_slash(&c->arena, conf->endpoint);
    if (c->conf.tunnel_endpoint) c->tunnel = strip_slash(&c->arena, c->conf.tunnel_endpoint);
    snprintf(c->user_agent, sizeof c->user_agent, "sluice/%s", SL_VERSION);
    pthread_mutex_init(&c->mu, NULL);
    if (conf->account_type == SL_MC_ACCOUNT_STS) {
        int rc = mc_sts_new(c, &c->sts, err);
        if (rc) {
            sl_mc_client_close(c);
            return rc;
        }
    }
    *out = c;
    return SL_OK;
}

void sl_mc_client_close(sl_mc_client *c)
{
    if (!c) return;
    for (int i = 0; i < c->nidle; i++) sl_mc_http_free(c->idle[i]);
    sl_free(c->idle);
    if (c->sts) mc_sts_free(c->sts);
    pthread_mutex_destroy(&c->mu);
    sl_arena_free(&c->arena);
    sl_free(c);
}

void sl_mc_client_stats_get(sl_mc_client *c, sl_mc_client_stats *o)
{
    o->requests = atomic_load(&c->st.requests);
    o->retries = atomic_load(&c->st.retries);
    o->retries_throttled = atomic_load(&c->st.throttled);
    o->retries_server = atomic_load(&c->st.server);
    o->retries_transport = atomic_load(&c->st.transport);
    o->retries_malformed = atomic_load(&c->st.malformed);
    o->sts_fetches = atomic_load(&c->st.sts_fetches);
    o->commit_status_checks = atomic_load(&c->st.commit_checks);
    o->commits_confirmed = atomic_load(&c->st.commits_confirmed);
    o->blocks_resent = atomic_load(&c->st.blocks_resent);
    o->sessions_renewed = atomic_load(&c->st.sessions_renewed);
    o->stream_reloads = atomic_load(&c->st.stream_reloads);
}

void sl_mc_client_sts_invalidate(sl_mc_client *c)
{
    if (c->sts) mc_sts_invalidate(c->sts);
}

void mc_creds_free(mc_creds *cr)
{
    sl_free(cr->id);
    sl_free(cr->secret);
    sl_free(cr->token);
    memset(cr, 0, sizeof *cr);
}

int mc_creds_get(sl_mc_client *c, mc_creds *out, sl_err *err)
{
    memset(out, 0, sizeof *out);
    if (c->sts) return mc_sts_get(c, out, err);
    out->id = sl_strdup(c->conf.access_id);
    out->secret = sl_strdup(c->conf.access_key);
    return SL_OK;
}

int sl_mc_client_signing_id(sl_mc_client *c, char *buf, size_t n, sl_err *err)
{
    mc_creds cr;
    int rc = mc_creds_get(c, &cr, err);
    if (rc == SL_OK) snprintf(buf, n, "%s", cr.id);
    mc_creds_free(&cr);
    return rc;
}

/* ---- handles ----------------------------------------------------------------------------- */

static sl_mc_http *handle_take(sl_mc_client *c)
{
    sl_mc_http *h = NULL;
    pthread_mutex_lock(&c->mu);
    while (c->nidle > 0 && !h) {
        h = c->idle[--c->nidle];
        /* Connections older than client_timeout_ms are rebuilt (spec 5.1, legacy meaning). */
        if (sl_now_ms() - sl_mc_http_born_ms(h) > c->conf.client_timeout_ms) {
            sl_mc_http_free(h);
            h = NULL;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return h ? h : sl_mc_http_new();
}

static void handle_give(sl_mc_client *c, sl_mc_http *h)
{
    pthread_mutex_lock(&c->mu);
    if (c->nidle == c->capidle) {
        c->capidle = c->capidle ? c->capidle * 2 : 8;
        c->idle = sl_realloc(c->idle, (size_t)c->capidle * sizeof *c->idle);
    }
    c->idle[c->nidle++] = h;
    pthread_mutex_unlock(&c->mu);
}

/* ---- small helpers ------------------------------------------------------------------------ */

void mc_query(mc_call *call, const char *name, const char *value)
{
    SL_ASSERT(call->nquery < MC_MAX_QUERY);
    call->query[call->nquery].name = name;
    call->query[call->nquery++].value = value;
}

void mc_header(mc_call *call, const char *name, const char *value)
{
    SL_ASSERT(call->nheaders < MC_MAX_HEADERS);
    call->headers[call->nheaders].name = name;
    call->headers[call->nheaders++].value = value;
}

void mc_sleep_ms(int64_t ms)
{
    if (ms <= 0) return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

int64_t mc_backoff_ms(const sl_mc_client *c, int attempt)
{
    int64_t ms = c->conf.retry_backoff_ms;
    for (int i = 0; i < attempt && ms < c->conf.retry_backoff_max_ms; i++) ms *= 2;
    return SL_MIN(ms, c->conf.retry_backoff_max_ms);
}

void mc_table_path(const sl_mc_client *c, const char *table, const char *suffix, sl_buf *b)
{
    sl_buf_printf(b, "/projects/%s", c->conf.project);
    if (c->conf.schema) sl_buf_printf(b, "/schemas/%s", c->conf.schema);
    sl_buf_printf(b, "/tables/%s%s", table, suffix ? suffix : "");
}

/* Replace each occurrence of secret (when long enough to be one) in text with "***". */
static void scrub_one(sl_buf *text, const char *secret)
{
    size_t sn = secret ? strlen(secret) : 0;
    if (sn < 4 || !text->p) return;
    sl_buf out = SL_BUF_INIT;
    const char *p = text->p, *hit;
    int changed = 0;
    while ((hit = strstr(p, secret)) != NULL) {
        sl_buf_append(&out, p, (size_t)(hit - p));
        sl_buf_puts(&out, "***");
        p = hit + sn;
        changed = 1;
    }
    if (!changed) return;
    sl_buf_puts(&out, p);
    sl_buf_free(text);
    *text = out;
}

/* Remove every secret the client knows, and extra (a signature), from text. */
static void scrub(sl_mc_client *c, sl_buf *text, const char *extra)
{
    scrub_one(text, c->conf.access_key);
    scrub_one(text, extra);
    if (c->sts) mc_sts_scrub(c->sts, text);
}

/* ---- error replies ----------------------------------------------------------------------- */

static int json_text(json_t *o, const char *key, sl_buf *out)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v)) {
        sl_buf_puts(out, json_string_value(v));
        return 1;
    }
    if (json_is_integer(v)) {
        sl_buf_printf(out, "%lld", (long long)json_integer_value(v));
        return 1;
    }
    return 0;
}

int sl_mc_parse_error(const char *body, size_t n, sl_buf *code, sl_buf *msg, sl_buf *request_id)
{
    size_t i = 0;
    while (i < n && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
        i++;
    if (i < n && body[i] == '<') {
        int found = 0;
        if (sl_mc_xml_text(body, n, "Error/Code", code, NULL) == 1) found = 1;
        if (sl_mc_xml_text(body, n, "Error/Message", msg, NULL) == 1) found = 1;
        sl_mc_xml_text(body, n, "Error/RequestId", request_id, NULL);
        return found;
    }
    if (i < n && body[i] == '{') {
        json_error_t je;
        json_t *doc = json_loadb(body, n, 0, &je);
        if (!json_is_object(doc)) {
            json_decref(doc);
            return 0;
        }
        int found = json_text(doc, "Code", code) | json_text(doc, "Message", msg);
        json_text(doc, "RequestId", request_id);
        json_decref(doc);
        return found;
    }
    return 0;
}

/* HoldClientMillis of a tunnel error (a string or a number), capped at 10 s as Java does. */
static int64_t hold_client_ms(const sl_mc_http_resp *resp)
{
    int64_t ms = 0;
    if (resp->body.n == 0 || resp->body.p[0] != '{') return 0;
    json_error_t je;
    json_t *doc = json_loadb(resp->body.p, resp->body.n, 0, &je);
    json_t *v = json_object_get(doc, "HoldClientMillis");
    if (json_is_integer(v)) ms = (int64_t)json_integer_value(v);
    else if (json_is_string(v)) ms = strtoll(json_string_value(v), NULL, 10);
    json_decref(doc);
    return ms < 0 ? 0 : SL_MIN(ms, 10000);
}

/* Retry-After in ms (delta seconds, fractions allowed), -1 when absent or not a number. */
static int64_t retry_after_ms(const sl_mc_http_resp *resp)
{
    const char *v = sl_mc_http_header(resp, "retry-after");
    if (!v || !*v) return -1;
    char *end;
    double s = strtod(v, &end);
    if (end == v || *end || !isfinite(s) || s < 0) return -1;
    return (int64_t)(s * 1000.0);
}

/* Printable prefix of a body that is not an error document. */
static void body_excerpt(sl_buf *out, const sl_mc_http_resp *resp)
{
    size_t n = SL_MIN(resp->body.n, (size_t)160);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)resp->body.p[i];
        sl_buf_putc(out, ch >= 0x20 && ch < 0x7f ? (char)ch : ' ');
    }
    if (resp->body.n > n) sl_buf_puts(out, "...");
}

/*
** The error message of a failed call: what, HTTP status, service code and message, request id,
** the request line (never its query for STS, which carries the signature), attempts.
*/
static int call_error(sl_mc_client *c, const mc_call *call, const sl_mc_http_resp *resp,
                      int transport, const char *why, int attempts, int code, const char *sig,
                      sl_err *err)
{
    sl_buf m = SL_BUF_INIT, ecode = SL_BUF_INIT, emsg = SL_BUF_INIT, rid = SL_BUF_INIT;
    sl_buf_printf(&m, "MaxCompute %s failed: ", call->what);
    if (transport) {
        sl_buf_puts(&m, resp->curl_msg[0] ? resp->curl_msg : "transport error");
    } else {
        sl_buf_printf(&m, "HTTP %ld", resp->status);
        if (sl_mc_parse_error(resp->body.p, resp->body.n, &ecode, &emsg, &rid)) {
            if (ecode.n) sl_buf_printf(&m, " %s", ecode.p);
            if (emsg.n) sl_buf_printf(&m, ": %s", emsg.p);
        } else if (why) {
            sl_buf_printf(&m, ": %s", why);
            if (resp->body.n) {
                sl_buf_puts(&m, " (reply starts: ");
                body_excerpt(&m, resp);
                sl_buf_puts(&m, ")");
            }
        } else if (resp->body.n) {
            sl_buf_puts(&m, ": ");
            body_excerpt(&m, resp);
        }
        const char *hdr_id = sl_mc_http_header(resp, "x-odps-request-id");
        if (!rid.n && hdr_id) sl_buf_puts(&rid, hdr_id);
        if (rid.n) sl_buf_printf(&m, " [request id %s]", rid.p);
    }
    sl_buf_printf(&m, " (%s %s%s)", call->method,
                  call->endpoint == MC_REST ? "/api" : "", call->path);
    if (attempts > 1) sl_buf_printf(&m, "; gave up after %d attempts", attempts);
    scrub(c, &m, sig);
    sl_err_set(err, code, "%s", m.p);
    err->origin = "maxcompute";
    err->detail = transport ? resp->curl_code : (int)resp->status;
    err->retriable = code == SL_UNAVAILABLE;
    sl_buf_free(&m);
    sl_buf_free(&ecode);
    sl_buf_free(&emsg);
    sl_buf_free(&rid);
    return code;
}

/* ---- the request engine ------------------------------------------------------------------- */

typedef enum outcome {
    OUT_OK,
    OUT_MALFORMED, /* 2xx that does not parse */
    OUT_THROTTLED, /* 429 */
    OUT_SERVER,    /* 5xx */
    OUT_TRANSPORT, /* no complete reply */
    OUT_REFUSED,   /* transport failure before anything was sent */
    OUT_AUTH,      /* 401 */
    OUT_REDIRECT,  /* 308: upsert slot change */
    OUT_FAIL       /* other statuses */
} outcome;

/* Sign and send one attempt; the signature is left in sig for scrubbing. */
static int attempt_once(sl_mc_client *c, mc_call *call, sl_mc_http_resp *resp, sl_buf *sig,
                        sl_err *err)
{
    sl_mc_kv q[MC_MAX_QUERY + 1], h[MC_MAX_HEADERS + 12];
    int nq = 0, nh = 0, rc;
    const char *base;
    char date[SL_MC_HTTP_DATE_LEN + 1], md5[33];
    sl_buf raw_query = SL_BUF_INIT;
    mc_creds cr = {0};

    sl_buf_reset(sig);
    if (call->endpoint == MC_TUNNEL) {
        if ((rc = sl_mc_tunnel_endpoint(c, &base, err))) return rc;
    } else if (call->endpoint == MC_STS) {
        base = mc_sts_base(c->sts);
    } else {
        base = c->rest;
    }
    for (int i = 0; i < call->nquery; i++) q[nq++] = call->query[i];
    if (call->endpoint != MC_STS) q[nq++] = (sl_mc_kv){"curr_project", c->conf.project};

    sl_mc_http_date(sl_wall_ms() / 1000, date);
    h[nh++] = (sl_mc_kv){"Date", date};
    h[nh++] = (sl_mc_kv){"User-Agent", c->user_agent};
    if (call->endpoint != MC_STS) h[nh++] = (sl_mc_kv){"x-odps-user-agent", c->user_agent};
    if (call->content_type) h[nh++] = (sl_mc_kv){"Content-Type", call->content_type};
    if (call->endpoint == MC_REST && call->body_len) {
        sl_mc_md5_hex(call->body, call->body_len, md5); /* the Java SDK's hex Content-MD5 */
        h[nh++] = (sl_mc_kv){"Content-MD5", md5};
    }
    if (call->endpoint == MC_TUNNEL) {
        h[nh++] = (sl_mc_kv){"x-odps-tunnel-version", "6"};
        h[nh++] = (sl_mc_kv){"odps-tunnel-date-transform", "v1"};
    }
    if (call->endpoint == MC_STS) h[nh++] = (sl_mc_kv){"x-sdk-invoke-type", "normal"};
    for (int i = 0; i < call->nheaders; i++) h[nh++] = call->headers[i];

    if (call->endpoint == MC_STS) {
        rc = call->sts_query(call->ud, &raw_query, err);
    } else {
        rc = mc_creds_get(c, &cr, err);
        if (rc == SL_OK) {
            if (cr.token) h[nh++] = (sl_mc_kv){"authorization-sts-token", cr.token};
            sl_mc_credentials mcred = {cr.id, cr.secret, cr.token, NULL};
            sl_mc_request req = {call->method, call->path, q, nq, h, nh, NULL};
            rc = sl_mc_sign(&mcred, &req, sig, err);
            if (rc == SL_OK) h[nh++] = (sl_mc_kv){"Authorization", sig->p};
        }
    }
    if (rc == SL_OK) {
        sl_mc_http_req hr = {
            .method = call->method,
            .base = base,
            .path = call->path,
            .query = q,
            .nquery = nq,
            .raw_query = call->endpoint == MC_STS ? raw_query.p : NULL,
            .headers = h,
            .nheaders = nh,
            .body = call->body,
            .body_len = call->body_len,
            .connect_timeout_ms = c->conf.connect_timeout_ms,
            .read_timeout_ms = c->conf.read_timeout_ms,
            .total_timeout_ms = c->conf.client_timeout_ms,
            .ca_file = c->conf.ca_file,
            .fresh_connect = !call->safe_to_repeat && strcmp(call->method, "GET") != 0,
        };
        sl_mc_http *handle = handle_take(c);
        atomic_fetch_add(&c->st.requests, 1);
        rc = sl_mc_http_perform(handle, &hr, resp);
        handle_give(c, handle);
        if (rc != SL_OK) rc = -1; /* transport (or oversized reply): classified by the caller */
    }
    mc_creds_free(&cr);
    sl_buf_free(&raw_query);
    return rc;
}

static const char *outcome_name(outcome o)
{
    switch (o) {
    case OUT_MALFORMED: return "malformed reply";
    case OUT_THROTTLED: return "throttled";
    case OUT_SERVER: return "server error";
    case OUT_REFUSED: return "connection failed";
    case OUT_TRANSPORT: return "transport error";
    case OUT_AUTH: return "authentication refused";
    case OUT_REDIRECT: return "slot changed";
    default: return "error";
    }
}

int mc_exec(sl_mc_client *c, mc_call *call, sl_mc_http_resp *resp, int *unclear, sl_err *err)
{
    sl_buf sig = SL_BUF_INIT;
    int attempt = 0, retries = 0, sts_renewed = 0, rc;
    int repeatable = call->safe_to_repeat || strcmp(call->method, "GET") == 0;
    if (unclear) *unclear = 0;

    for (;;) {
        call->attempts = ++attempt;
        sl_err perr = SL_ERR_INIT;
        const char *why = NULL;
        outcome o;
        rc = attempt_once(c, call, resp, &sig, err);
        if (rc > 0) break; /* could not even build the request (credentials, ...) */
        if (rc < 0) {
            o = sl_mc_http_not_sent(resp->curl_code) ? OUT_REFUSED : OUT_TRANSPORT;
        } else if ((resp->status >= 200 && resp->status < 300) ||
                   (call->accept_status && resp->status == call->accept_status)) {
            o = OUT_OK;
            if (call->parse) {
                int prc = call->parse(call->ud, resp, &perr);
                if (prc == SL_DATA) {
                    o = OUT_MALFORMED;
                    why = perr.msg;
                } else if (prc) {
                    rc = sl_err_copy(err, &perr);
                    break;
                }
            }
        } else if (resp->status == 429) {
            o = OUT_THROTTLED;
        } else if (resp->status >= 500) {
            o = OUT_SERVER;
        } else if (resp->status == 401) {
            o = OUT_AUTH;
        } else if (resp->status == 308 && call->before_retry) {
            o = OUT_REDIRECT;
        } else {
            o = OUT_FAIL;
        }
        if (o == OUT_OK) {
            rc = SL_OK;
            break;
        }
        if (o == OUT_FAIL ||
            (o == OUT_AUTH && (call->endpoint == MC_STS || !c->sts || sts_renewed))) {
            rc = call_error(c, call, resp, 0, NULL, attempt, SL_CONNECTOR, sig.p, err);
            break;
        }
        int maybe_applied = o == OUT_TRANSPORT || o == OUT_SERVER || o == OUT_MALFORMED;
        if (maybe_applied && !repeatable) {
            if (unclear) *unclear = 1;
            rc = call_error(c, call, resp, o == OUT_TRANSPORT, why, attempt, SL_UNAVAILABLE,
                            sig.p, err);
            break;
        }
        int64_t wait;
        if (o == OUT_AUTH) { /* the STS credential may have been revoked or expired early */
            sts_renewed = 1;
            mc_sts_invalidate(c->sts);
            wait = 0;
        } else {
            if (retries >= c->conf.retry_times) {
                rc = call_error(c, call, resp, o == OUT_TRANSPORT || o == OUT_REFUSED, why,
                                attempt, SL_UNAVAILABLE, sig.p, err);
                break;
            }
            wait = mc_backoff_ms(c, retries);
            int64_t hold = o == OUT_THROTTLED || o == OUT_SERVER ? hold_client_ms(resp) : 0;
            int64_t after = o == OUT_THROTTLED ? retry_after_ms(resp) : -1;
            if (after >= 0) wait = after;
            else if (hold > 0) wait = hold;
            wait = SL_MIN(wait, c->conf.retry_backoff_max_ms);
            retries++;
            atomic_fetch_add(&c->st.retries, 1);
            atomic_fetch_add(o == OUT_THROTTLED                      ? &c->st.throttled
                             : o == OUT_SERVER                       ? &c->st.server
                             : o == OUT_MALFORMED                    ? &c->st.malformed
                             : o == OUT_REDIRECT                     ? &c->st.server
                                                                     : &c->st.transport,
                             1);
        }
        if (SL_LOG_ENABLED(SL_LOG_WARN)) {
            sl_buf detail = SL_BUF_INIT;
            if (o == OUT_TRANSPORT || o == OUT_REFUSED) sl_buf_puts(&detail, resp->curl_msg);
            else sl_buf_printf(&detail, "HTTP %ld%s%s", resp->status, why ? ": " : "",
                               why ? why : "");
            scrub(c, &detail, sig.p);
            sl_log(SL_LOG_WARN, LOG_COMPONENT, "%s: %s (%s); retry %d of %d in %lld ms",
                   call->what, outcome_name(o), detail.p, retries, c->conf.retry_times,
                   (long long)wait);
            sl_buf_free(&detail);
        }
        if (call->before_retry && (o == OUT_REDIRECT || resp->status == 502 ||
                                   resp->status == 504)) {
            mc_sleep_ms(wait);
            wait = 0;
            if ((rc = call->before_retry(call->ud, resp->status, err))) break;
        }
        mc_sleep_ms(wait);
    }
    sl_buf_free(&sig);
    return rc;
}

/* ---- partition specs --------------------------------------------------------------------- */

int mc_spec_parse(const char *spec, sl_buf *rest, sl_buf *tunnel, sl_err *err)
{
    const char *p = spec ? spec : "";
    int first = 1;
    while (*p == ' ') p++;
    while (*p) {
        const char *k = p;
        while (*p && *p != '=' && *p != ',') p++;
        const char *ke = p;
        while (ke > k && ke[-1] == ' ') ke--;
        if (*p != '=' || ke == k)
            return sl_err_set(err, SL_DATA,
                              "partition spec '%s': expected name=value at position %d", spec,
                              (int)(k - spec) + 1);
        for (const char *q = k; q < ke; q++)
            if (!(isalnum((unsigned char)*q) || *q == '_'))
                return sl_err_set(err, SL_DATA,
                                  "partition spec '%s': bad character '%c' in the column name at "
                                  "position %d",
                                  spec, *q, (int)(q - spec) + 1);
        p++;
        while (*p == ' ') p++;
        const char *v, *ve;
        if (*p == '\'' || *p == '"') {
            char quote = *p++;
            v = p;
            while (*p && *p != quote) p++;
            if (!*p)
                return sl_err_set(err, SL_DATA, "partition spec '%s': unterminated quote", spec);
            ve = p++;
            while (*p == ' ') p++;
            if (*p && *p != ',')
                return sl_err_set(err, SL_DATA,
                                  "partition spec '%s': unexpected '%c' after the quoted value at "
                                  "position %d",
                                  spec, *p, (int)(p - spec) + 1);
        } else {
            v = p;
            while (*p && *p != ',') p++;
            ve = p;
            while (ve > v && ve[-1] == ' ') ve--;
        }
        for (const char *q = v; q < ve; q++) {
            unsigned char ch = (unsigned char)*q;
            if (ch < 0x20 || ch == 0x7f || ch == '\'' || ch == '"' || ch == '\\' || ch == ',' ||
                ch == '=')
                return sl_err_set(err, SL_DATA,
                                  "partition spec '%s': the value may not contain %s%c%s "
                                  "(position %d): the tunnel's partition parameter cannot carry "
                                  "it",
                                  spec, ch < 0x20 ? "control character " : "'",
                                  ch < 0x20 ? '?' : (char)ch, ch < 0x20 ? "" : "'",
                                  (int)(q - spec) + 1);
        }
        if (ve == v)
            return sl_err_set(err, SL_DATA, "partition spec '%s': empty value for '%.*s'", spec,
                              (int)(ke - k), k);
        if (rest) sl_buf_printf(rest, "%s%.*s='%.*s'", first ? "" : ",", (int)(ke - k), k,
                                (int)(ve - v), v);
        if (tunnel) sl_buf_printf(tunnel, "%s%.*s=%.*s", first ? "" : ",", (int)(ke - k), k,
                                  (int)(ve - v), v);
        first = 0;
        if (*p == ',') {
            p++;
            while (*p == ' ') p++;
            if (!*p)
                return sl_err_set(err, SL_DATA, "partition spec '%s': trailing ','", spec);
        }
    }
    if (rest && !rest->p) sl_buf_puts(rest, "");
    if (tunnel && !tunnel->p) sl_buf_puts(tunnel, "");
    return SL_OK;
}

/* ---- tunnel endpoint ------------------------------------------------------------------------ */

static int parse_tunnel_host(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    sl_buf *host = ud;
    sl_buf_reset(host);
    size_t i = 0, n = resp->body.n;
    const char *b = resp->body.p ? resp->body.p : "";
    while (i < n && isspace((unsigned char)b[i])) i++;
    while (n > i && isspace((unsigned char)b[n - 1])) n--;
    if (n == i || n - i > 255)
        return sl_err_set(err, SL_DATA, "the tunnel endpoint reply is not a host name");
    for (size_t k = i; k < n; k++) {
        unsigned char ch = (unsigned char)b[k];
        if (!(isalnum(ch) || ch == '.' || ch == '-' || ch == ':' || ch == '_' || ch == '[' ||
              ch == ']'))
            return sl_err_set(err, SL_DATA, "the tunnel endpoint reply is not a host name");
    }
    sl_buf_append(host, b + i, n - i);
    return SL_OK;
}

int sl_mc_tunnel_endpoint(sl_mc_client *c, const char **out, sl_err *err)
{
    pthread_mutex_lock(&c->mu);
    char *known = c->tunnel;
    pthread_mutex_unlock(&c->mu);
    if (known) {
        *out = known;
        return SL_OK;
    }
    sl_buf path = SL_BUF_INIT, host = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    sl_buf_printf(&path, "/projects/%s/tunnel", c->conf.project);
    mc_call call = {.what = "tunnel endpoint discovery",
                    .endpoint = MC_REST,
                    .method = "GET",
                    .path = path.p,
                    .parse = parse_tunnel_host,
                    .ud = &host};
    mc_query(&call, "service", NULL);
    int rc = mc_exec(c, &call, &resp, NULL, err);
    if (rc == SL_OK) {
        /* The scheme of the REST endpoint, the host the service named (spec 3.2). */
        const char *scheme = strncmp(c->rest, "https://", 8) == 0 ? "https://" : "http://";
        pthread_mutex_lock(&c->mu);
        if (!c->tunnel) c->tunnel = sl_arena_printf(&c->arena, "%s%s", scheme, host.p);
        *out = c->tunnel;
        pthread_mutex_unlock(&c->mu);
        sl_log(SL_LOG_INFO, LOG_COMPONENT, "tunnel endpoint of project %s: %s", c->conf.project,
               *out);
    }
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&path);
    sl_buf_free(&host);
    return rc;
}

/* ---- table schema --------------------------------------------------------------------------- */

static int parse_columns(json_t *arr, const char *what, sl_arena *ar, sl_mc_schema *out,
                         uint8_t **not_null, const char *nullable_key, sl_err *err)
{
    out->ncol = 0;
    out->cols = NULL;
    if (not_null) *not_null = NULL;
    if (!arr) return SL_OK;
    if (!json_is_array(arr))
        return sl_err_set(err, SL_DATA, "the schema's %s is not an array", what);
    size_t n = json_array_size(arr);
    if (n > SL_MC_MAX_COLUMNS)
        return sl_err_set(err, SL_DATA, "the schema has %zu %s, more than %d", n, what,
                          SL_MC_MAX_COLUMNS);
    sl_mc_column *cols = n ? sl_arena_calloc(ar, n * sizeof *cols) : NULL;
    uint8_t *nn = n ? sl_arena_calloc(ar, n) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *col = json_array_get(arr, i);
        json_t *name = json_object_get(col, "name"), *type = json_object_get(col, "type");
        if (!json_is_string(name) || !json_is_string(type))
            return sl_err_set(err, SL_DATA, "%s entry %zu has no string 'name' and 'type'", what,
                              i);
        cols[i].name = sl_arena_strdup(ar, json_string_value(name));
        sl_err terr = SL_ERR_INIT;
        if (sl_mc_type_parse(ar, json_string_value(type), (size_t)-1, &cols[i].type, &terr))
            return sl_err_set(err, SL_DATA, "column %s: %s", cols[i].name, terr.msg);
        json_t *nl = nullable_key ? json_object_get(col, nullable_key) : NULL;
        nn[i] = json_is_false(nl);
    }
    out->ncol = (int)n;
    out->cols = cols;
    if (not_null) *not_null = nn;
    return SL_OK;
}

int sl_mc_parse_tunnel_schema(const char *text, size_t n, sl_arena *ar, sl_mc_schema *out,
                              sl_err *err)
{
    json_error_t je;
    json_t *doc = json_loadb(text, n, 0, &je);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return sl_err_set(err, SL_DATA, "the session schema is not a JSON object");
    }
    int rc = parse_columns(json_object_get(doc, "columns"), "columns", ar, out, NULL, NULL, err);
    json_decref(doc);
    return rc;
}

int sl_mc_parse_table_xml(const char *xml, size_t n, sl_arena *ar, sl_mc_table *out, sl_err *err)
{
    sl_buf name = SL_BUF_INIT, schema = SL_BUF_INIT;
    const char *why = NULL;
    json_t *doc = NULL, *reserved = NULL;
    int rc = SL_OK;
    memset(out, 0, sizeof *out);
    int found = sl_mc_xml_text(xml, n, "Table/Schema", &schema, &why);
    if (found < 0) {
        rc = sl_err_set(err, SL_DATA, "the table reply is not well-formed XML: %s", why);
        goto done;
    }
    if (found == 0) {
        rc = sl_err_set(err, SL_DATA, "the table reply has no <Table><Schema>");
        goto done;
    }
    sl_mc_xml_text(xml, n, "Table/Name", &name, NULL);
    json_error_t je;
    doc = json_loadb(schema.p, schema.n, 0, &je);
    if (!json_is_object(doc)) {
        rc = sl_err_set(err, SL_DATA, "the table schema is not a JSON object (%s at line %d)",
                        je.text, je.line);
        goto done;
    }
    json_t *tn = json_object_get(doc, "tableName");
    out->name = sl_arena_strdup(ar, name.n ? name.p : json_is_string(tn) ? json_string_value(tn)
                                                                      : "");
    uint8_t *nn;
    if ((rc = parse_columns(json_object_get(doc, "columns"), "columns", ar, &out->columns, &nn,
                            "isNullable", err)))
        goto done;
    out->not_null = nn;
    if ((rc = parse_columns(json_object_get(doc, "partitionKeys"), "partitionKeys", ar,
                            &out->partition_keys, NULL, NULL, err)))
        goto done;
    json_t *res = json_object_get(doc, "Reserved");
    if (json_is_string(res)) {
        reserved = json_loads(json_string_value(res), 0, &je);
        if (!json_is_object(reserved)) {
            rc = sl_err_set(err, SL_DATA, "the table schema's Reserved is not a JSON object");
            goto done;
        }
    } else if (json_is_object(res)) {
        reserved = json_incref(res);
    }
    if (reserved) {
        json_t *tr = json_object_get(reserved, "Transactional");
        out->transactional = json_is_true(tr) ||
                             (json_is_string(tr) && sl_strcaseeq(json_string_value(tr), "true"));
        json_t *pk = json_object_get(reserved, "PrimaryKey");
        if (pk && !json_is_array(pk)) {
            rc = sl_err_set(err, SL_DATA, "the table's PrimaryKey is not an array");
            goto done;
        }
        size_t npk = json_array_size(pk);
        if (npk > (size_t)out->columns.ncol) {
            rc = sl_err_set(err, SL_DATA, "the table's PrimaryKey has more columns than the table");
            goto done;
        }
        const char **names = npk ? sl_arena_calloc(ar, npk * sizeof *names) : NULL;
        int *idx = npk ? sl_arena_calloc(ar, npk * sizeof *idx) : NULL;
        for (size_t i = 0; i < npk; i++) {
            json_t *k = json_array_get(pk, i);
            if (!json_is_string(k)) {
                rc = sl_err_set(err, SL_DATA, "the table's PrimaryKey holds a non-string");
                goto done;
            }
            names[i] = sl_arena_strdup(ar, json_string_value(k));
            idx[i] = -1;
            for (int j = 0; j < out->columns.ncol; j++)
                if (sl_strcaseeq(out->columns.cols[j].name, names[i])) idx[i] = j;
            if (idx[i] < 0) {
                rc = sl_err_set(err, SL_DATA, "primary-key column %s is not a column of the table",
                                names[i]);
                goto done;
            }
        }
        out->primary_key = names;
        out->pk_index = idx;
        out->npk = (int)npk;
    }
done:
    json_decref(doc);
    json_decref(reserved);
    sl_buf_free(&name);
    sl_buf_free(&schema);
    return rc;
}

typedef struct table_ctx {
    sl_arena *ar;
    sl_mc_table *out;
} table_ctx;

static int parse_table(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    table_ctx *t = ud;
    return sl_mc_parse_table_xml(resp->body.p ? resp->body.p : "", resp->body.n, t->ar, t->out,
                                 err);
}

int sl_mc_table_get(sl_mc_client *c, const char *table, sl_arena *ar, sl_mc_table *out,
                    sl_err *err)
{
    sl_buf path = SL_BUF_INIT, what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    memset(out, 0, sizeof *out);
    if (!table || !*table) return sl_err_set(err, SL_MISUSE, "sl_mc_table_get: no table name");
    mc_table_path(c, table, NULL, &path);
    sl_buf_printf(&what, "read the schema of table %s.%s", c->conf.project, table);
    table_ctx ctx = {ar, out};
    mc_call call = {.what = what.p,
                    .endpoint = MC_REST,
                    .method = "GET",
                    .path = path.p,
                    .parse = parse_table,
                    .ud = &ctx};
    int rc = mc_exec(c, &call, &resp, NULL, err);
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&path);
    sl_buf_free(&what);
    return rc;
}

/* ---- partitions ------------------------------------------------------------------------------ */

static int partition_exists(sl_mc_client *c, const char *table, const char *rest_spec,
                            int *exists, sl_err *err)
{
    sl_buf path = SL_BUF_INIT, what = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    mc_table_path(c, table, NULL, &path);
    sl_buf_printf(&what, "check partition %s of table %s.%s", rest_spec, c->conf.project, table);
    mc_call call = {.what = what.p,
                    .endpoint = MC_REST,
                    .method = "GET",
                    .path = path.p,
                    .accept_status = 404};
    mc_query(&call, "partition", rest_spec);
    int rc = mc_exec(c, &call, &resp, NULL, err);
    if (rc == SL_OK) {
        *exists = resp.status != 404;
        if (resp.status == 404) {
            /* A missing table is also a 404: that is an error, not "no partition". */
            sl_buf code = SL_BUF_INIT, msg = SL_BUF_INIT, rid = SL_BUF_INIT;
            sl_mc_parse_error(resp.body.p, resp.body.n, &code, &msg, &rid);
            if ((code.p && (strcmp(code.p, "NoSuchTable") == 0 ||
                            strcmp(code.p, "NoSuchProject") == 0)) ||
                (msg.p && strstr(msg.p, "Table not found")))
                rc = call_error(c, &call, &resp, 0, NULL, 1, SL_CONNECTOR, NULL, err);
            sl_buf_free(&code);
            sl_buf_free(&msg);
            sl_buf_free(&rid);
        }
    }
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&path);
    sl_buf_free(&what);
    return rc;
}

int sl_mc_partition_exists(sl_mc_client *c, const char *table, const char *spec, int *exists,
                           sl_err *err)
{
    sl_buf rest = SL_BUF_INIT;
    *exists = 0;
    int rc = mc_spec_parse(spec, &rest, NULL, err);
    if (rc == SL_OK && rest.n == 0)
        rc = sl_err_set(err, SL_MISUSE, "sl_mc_partition_exists: empty partition spec");
    if (rc == SL_OK) rc = partition_exists(c, table, rest.p, exists, err);
    sl_buf_free(&rest);
    return rc;
}

static void xml_escape(sl_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': sl_buf_puts(b, "&lt;"); break;
        case '>': sl_buf_puts(b, "&gt;"); break;
        case '&': sl_buf_puts(b, "&amp;"); break;
        case '"': sl_buf_puts(b, "&quot;"); break;
        default: sl_buf_putc(b, *s);
        }
    }
}

static int parse_location(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    sl_buf *id = ud;
    const char *loc = sl_mc_http_header(resp, "location");
    const char *slash = loc ? strrchr(loc, '/') : NULL;
    if (!slash || !slash[1] || strlen(slash + 1) > 128)
        return sl_err_set(err, SL_DATA, "the instance reply has no usable Location header");
    for (const char *p = slash + 1; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
            return sl_err_set(err, SL_DATA, "the instance id in Location is malformed");
    sl_buf_reset(id);
    sl_buf_puts(id, slash + 1);
    return SL_OK;
}

typedef struct xml_field {
    const char *path;
    sl_buf *out;
} xml_field;

static int parse_xml_field(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    xml_field *f = ud;
    const char *why = NULL;
    sl_buf_reset(f->out);
    int found = sl_mc_xml_text(resp->body.p ? resp->body.p : "", resp->body.n, f->path, f->out,
                               &why);
    if (found < 0) return sl_err_set(err, SL_DATA, "reply is not well-formed XML: %s", why);
    if (found == 0) return sl_err_set(err, SL_DATA, "reply has no <%s>", f->path);
    return SL_OK;
}

/* GET .../instances/<id>[?which] and extract one element. */
static int instance_get(sl_mc_client *c, const char *path, const char *which, const char *field,
                        const char *what, sl_buf *out, sl_err *err)
{
    sl_mc_http_resp resp = {0};
    xml_field f = {field, out};
    mc_call call = {.what = what,
                    .endpoint = MC_REST,
                    .method = "GET",
                    .path = path,
                    .parse = parse_xml_field,
                    .ud = &f};
    if (which) mc_query(&call, which, NULL);
    int rc = mc_exec(c, &call, &resp, NULL, err);
    sl_mc_http_resp_free(&resp);
    return rc;
}

/* Run one SQL statement as an instance and wait for its task to succeed (spec 3.3). */
static int run_sql(sl_mc_client *c, const char *sql, const char *task, const char *what,
                   sl_err *err)
{
    sl_buf body = SL_BUF_INIT, path = SL_BUF_INIT, id = SL_BUF_INIT, ipath = SL_BUF_INIT;
    sl_buf status = SL_BUF_INIT, result = SL_BUF_INIT, w = SL_BUF_INIT;
    sl_mc_http_resp resp = {0};
    char uuid[37];
    sl_mc_uuid4(uuid);
    sl_buf_puts(&body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Instance>\n<Job>\n"
                       "<Priority>9</Priority>\n<Tasks>\n<SQL>\n<Name>");
    xml_escape(&body, task);
    sl_buf_printf(&body, "</Name>\n<Config>\n<Property><Name>uuid</Name><Value>%s</Value>"
                         "</Property>\n</Config>\n<Query>", uuid);
    xml_escape(&body, sql);
    sl_buf_puts(&body, "</Query>\n</SQL>\n</Tasks>\n<DAG><RunMode>Sequence</RunMode></DAG>\n"
                       "</Job>\n</Instance>\n");
    sl_buf_printf(&path, "/projects/%s/instances", c->conf.project);
    sl_buf_printf(&w, "%s: create the SQL instance", what);
    mc_call call = {.what = w.p,
                    .endpoint = MC_REST,
                    .method = "POST",
                    .path = path.p,
                    .body = body.p,
                    .body_len = body.n,
                    .content_type = "application/xml",
                    .safe_to_repeat = 1, /* the statements we run are idempotent */
                    .parse = parse_location,
                    .ud = &id};
    int rc = mc_exec(c, &call, &resp, NULL, err);
    if (rc) goto done;
    sl_buf_printf(&ipath, "/projects/%s/instances/%s", c->conf.project, id.p);
    int64_t deadline = sl_now_ms() + c->conf.instance_timeout_ms;
    sl_buf_reset(&w);
    sl_buf_printf(&w, "%s: poll SQL instance %s", what, id.p);
    for (;;) {
        if ((rc = instance_get(c, ipath.p, NULL, "Instance/Status", w.p, &status, err))) goto done;
        if (sl_strcaseeq(status.p, "Terminated")) break;
        if (sl_now_ms() >= deadline) {
            rc = sl_err_set(err, SL_UNAVAILABLE,
                            "MaxCompute %s: SQL instance %s still %s after %lld ms", what, id.p,
                            status.p, (long long)c->conf.instance_timeout_ms);
            err->retriable = 1;
            goto done;
        }
        mc_sleep_ms(c->conf.instance_poll_ms);
    }
    if ((rc = instance_get(c, ipath.p, "taskstatus", "Instance/Tasks/Task/Status", w.p, &status,
                           err)))
        goto done;
    if (!sl_strcaseeq(status.p, "Success")) {
        sl_buf_reset(&w);
        sl_buf_printf(&w, "%s: read the result of SQL instance %s", what, id.p);
        if (instance_get(c, ipath.p, "result", "Instance/Tasks/Task/Result", w.p, &result,
                         err) == SL_OK) {
            sl_buf msg = SL_BUF_INIT;
            sl_buf_printf(&msg, "MaxCompute %s: SQL task %s ended %s: %s", what, task, status.p,
                          result.p);
            scrub(c, &msg, NULL);
            rc = sl_err_set(err, SL_CONNECTOR, "%s", msg.p);
            sl_buf_free(&msg);
        } else {
            rc = err->code;
        }
    }
done:
    sl_mc_http_resp_free(&resp);
    sl_buf_free(&body);
    sl_buf_free(&path);
    sl_buf_free(&id);
    sl_buf_free(&ipath);
    sl_buf_free(&status);
    sl_buf_free(&result);
    sl_buf_free(&w);
    return rc;
}

int sl_mc_partition_ensure(sl_mc_client *c, const char *table, const char *spec, sl_err *err)
{
    sl_buf rest = SL_BUF_INIT, sql = SL_BUF_INIT, what = SL_BUF_INIT;
    int exists = 0;
    int rc = mc_spec_parse(spec, &rest, NULL, err);
    if (rc == SL_OK && rest.n == 0)
        rc = sl_err_set(err, SL_MISUSE, "sl_mc_partition_ensure: empty partition spec");
    if (rc == SL_OK && strchr(table, '`'))
        rc = sl_err_set(err, SL_DATA, "table name %s contains a backquote", table);
    if (rc == SL_OK) rc = partition_exists(c, table, rest.p, &exists, err);
    if (rc == SL_OK && !exists) {
        sl_buf_printf(&sql, "ALTER TABLE %s.", c->conf.project);
        if (c->conf.schema) sl_buf_printf(&sql, "%s.", c->conf.schema);
        sl_buf_printf(&sql, "`%s` ADD IF NOT EXISTS PARTITION (%s);", table, rest.p);
        sl_buf_printf(&what, "create partition %s of table %s.%s", rest.p, c->conf.project, table);
        rc = run_sql(c, sql.p, "SQLAddPartitionTask", what.p, err);
        if (rc == SL_OK)
            sl_log(SL_LOG_INFO, LOG_COMPONENT, "created partition %s of %s.%s", rest.p,
                   c->conf.project, table);
    }
    sl_buf_free(&rest);
    sl_buf_free(&sql);
    sl_buf_free(&what);
    return rc;
}
