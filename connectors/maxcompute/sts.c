/*
** connectors/maxcompute/sts.c — AssumeRole, the credential cache and its refresh (see sts.h).
**
** Two locks: fetch_mu serialises fetches (one AssumeRole at a time, others wait for its
** result), mu guards the cached fields for the short copies. Every secret and token ever
** received is remembered (the last few) so that error messages can be scrubbed of them even
** after a refresh.
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/datetime.h"
#include "base/log.h"
#include "connectors/maxcompute/sts.h"

#define KEEP_SECRETS 8

struct mc_sts {
    pthread_mutex_t mu, fetch_mu;
    char *base;       /* https://sts.aliyuncs.com */
    char *access_id;  /* long-term key, from conf or the environment */
    char *access_key;
    char *session_name;
    mc_creds cur;     /* valid when cur.id != NULL */
    int64_t fetched_ms;  /* monotonic */
    int64_t expires;     /* epoch seconds, 0 = unknown */
    char *seen[KEEP_SECRETS];
    int nseen;
};

static const char *env_or(const char *v, const char *name)
{
    if (v && *v) return v;
    const char *e = getenv(name);
    return e && *e ? e : NULL;
}

int mc_sts_new(sl_mc_client *c, mc_sts **out, sl_err *err)
{
    const sl_mc_client_conf *cf = &c->conf;
    const char *id = env_or(cf->access_id, "ALIBABA_CLOUD_ACCESS_KEY_ID");
    const char *key = env_or(cf->access_key, "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    *out = NULL;
    if (!id || !key)
        return sl_err_set(err, SL_CONFIG,
                          "MaxCompute client: account_type STS needs 'access_id' and "
                          "'access_key' (or ALIBABA_CLOUD_ACCESS_KEY_ID and "
                          "ALIBABA_CLOUD_ACCESS_KEY_SECRET in the environment)");
    if (!cf->account_id || !cf->role_name)
        return sl_err_set(err, SL_CONFIG,
                          "MaxCompute client: account_type STS needs 'account_id' and "
                          "'role_name'");
    const char *ep = cf->sts_endpoint ? cf->sts_endpoint : "sts.aliyuncs.com";
    mc_sts *s = sl_calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->fetch_mu, NULL);
    sl_buf b = SL_BUF_INIT;
    if (strstr(ep, "://") == NULL) sl_buf_puts(&b, "https://"); /* spec 2: STS is HTTPS */
    sl_buf_puts(&b, ep);
    while (b.n > 0 && b.p[b.n - 1] == '/') b.p[--b.n] = 0;
    s->base = sl_buf_detach(&b);
    s->access_id = sl_strdup(id);
    s->access_key = sl_strdup(key);
    *out = s;
    return SL_OK;
}

void mc_sts_free(mc_sts *s)
{
    if (!s) return;
    mc_creds_free(&s->cur);
    for (int i = 0; i < s->nseen; i++) sl_free(s->seen[i]);
    sl_free(s->base);
    sl_free(s->access_id);
    sl_free(s->access_key);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->fetch_mu);
    sl_free(s);
}

const char *mc_sts_base(const mc_sts *s)
{
    return s->base;
}

void mc_sts_invalidate(mc_sts *s)
{
    pthread_mutex_lock(&s->mu);
    mc_creds_free(&s->cur);
    pthread_mutex_unlock(&s->mu);
}

static void remember(mc_sts *s, const char *secret)
{
    if (s->nseen == KEEP_SECRETS) {
        sl_free(s->seen[0]);
        memmove(s->seen, s->seen + 1, (KEEP_SECRETS - 1) * sizeof s->seen[0]);
        s->nseen--;
    }
    s->seen[s->nseen++] = sl_strdup(secret);
}

void mc_sts_scrub(mc_sts *s, sl_buf *text)
{
    if (!text->p) return;
    pthread_mutex_lock(&s->mu);
    const char *secrets[KEEP_SECRETS + 1];
    int n = 0;
    secrets[n++] = s->access_key;
    for (int i = 0; i < s->nseen; i++) secrets[n++] = s->seen[i];
    for (int i = 0; i < n; i++) {
        size_t sn = strlen(secrets[i]);
        if (sn < 4) continue;
        char *hit;
        while ((hit = strstr(text->p, secrets[i])) != NULL) {
            memcpy(hit, "***", 3);
            memmove(hit + 3, hit + sn, strlen(hit + sn) + 1);
            text->n -= sn - 3;
        }
    }
    pthread_mutex_unlock(&s->mu);
}

/* "2023-07-13T14:13:00Z" -> epoch seconds, 0 when not in that form. */
static int64_t parse_expiration(const char *t)
{
    int y, mo, d, h, mi, se;
    char z = 0;
    if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return 0;
    return sl_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
}

int sl_mc_parse_sts_reply(const char *xml, size_t n, mc_creds *out, int64_t *expires,
                          sl_err *err)
{
    static const char *const fields[3] = {"AssumeRoleResponse/Credentials/AccessKeyId",
                                          "AssumeRoleResponse/Credentials/AccessKeySecret",
                                          "AssumeRoleResponse/Credentials/SecurityToken"};
    sl_buf v[3] = {SL_BUF_INIT, SL_BUF_INIT, SL_BUF_INIT}, exp = SL_BUF_INIT;
    const char *why = NULL;
    int rc = SL_OK;
    memset(out, 0, sizeof *out);
    *expires = 0;
    for (int i = 0; i < 3 && rc == SL_OK; i++) {
        int found = sl_mc_xml_text(xml, n, fields[i], &v[i], &why);
        if (found < 0) rc = sl_err_set(err, SL_DATA, "the AssumeRole reply is not XML: %s", why);
        else if (found == 0 || v[i].n == 0 || v[i].n > 8192 || strlen(v[i].p) != v[i].n)
            rc = sl_err_set(err, SL_DATA, "the AssumeRole reply has no usable <%s>",
                            strrchr(fields[i], '/') + 1);
        for (size_t k = 0; rc == SL_OK && k < v[i].n; k++)
            if ((unsigned char)v[i].p[k] < 0x20 || v[i].p[k] == 0x7f)
                rc = sl_err_set(err, SL_DATA, "the AssumeRole reply's <%s> holds control "
                                "characters", strrchr(fields[i], '/') + 1);
    }
    if (rc == SL_OK) {
        if (sl_mc_xml_text(xml, n, "AssumeRoleResponse/Credentials/Expiration", &exp, NULL) == 1)
            *expires = parse_expiration(exp.p);
        out->id = sl_buf_detach(&v[0]);
        out->secret = sl_buf_detach(&v[1]);
        out->token = sl_buf_detach(&v[2]);
    }
    for (int i = 0; i < 3; i++) sl_buf_free(&v[i]);
    sl_buf_free(&exp);
    return rc;
}

typedef struct fetch_ctx {
    sl_mc_client *c;
    mc_sts *s;
    mc_creds got;
    int64_t expires;
} fetch_ctx;

static int build_query(void *ud, sl_buf *query, sl_err *err)
{
    fetch_ctx *f = ud;
    const sl_mc_client_conf *cf = &f->c->conf;
    sl_mc_sts_params p = {
        .access_id = f->s->access_id,
        .access_secret = f->s->access_key,
        .account_id = cf->account_id,
        .role_name = cf->role_name,
        .region_id = cf->region_id,
        .duration_seconds = cf->sts_duration_s,
    };
    sl_buf_reset(query);
    return sl_mc_sts_assume_role_query(&p, query, NULL, err);
}

static int parse_reply(void *ud, const sl_mc_http_resp *resp, sl_err *err)
{
    fetch_ctx *f = ud;
    mc_creds_free(&f->got);
    return sl_mc_parse_sts_reply(resp->body.p ? resp->body.p : "", resp->body.n, &f->got,
                                 &f->expires, err);
}

static int due(const sl_mc_client *c, const mc_sts *s)
{
    if (!s->cur.id) return 1;
    int64_t max_age = SL_MIN(c->conf.sts_refresh_ms, c->conf.client_timeout_ms);
    if (sl_now_ms() - s->fetched_ms >= max_age) return 1;
    return s->expires > 0 && sl_wall_ms() / 1000 >= s->expires - 60;
}

static void copy_creds(const mc_creds *from, mc_creds *to)
{
    to->id = sl_strdup(from->id);
    to->secret = sl_strdup(from->secret);
    to->token = from->token ? sl_strdup(from->token) : NULL;
}

int mc_sts_get(sl_mc_client *c, mc_creds *out, sl_err *err)
{
    mc_sts *s = c->sts;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&s->mu);
    if (!due(c, s)) {
        copy_creds(&s->cur, out);
        pthread_mutex_unlock(&s->mu);
        return SL_OK;
    }
    pthread_mutex_unlock(&s->mu);

    pthread_mutex_lock(&s->fetch_mu);
    pthread_mutex_lock(&s->mu);
    int fresh = !due(c, s); /* another thread fetched meanwhile */
    if (fresh) copy_creds(&s->cur, out);
    pthread_mutex_unlock(&s->mu);
    int rc = SL_OK;
    if (!fresh) {
        sl_buf what = SL_BUF_INIT;
        sl_mc_http_resp resp = {0};
        fetch_ctx f = {.c = c, .s = s};
        sl_buf_printf(&what, "STS AssumeRole for role %s of account %s at %s", c->conf.role_name,
                      c->conf.account_id, s->base);
        mc_call call = {.what = what.p,
                        .endpoint = MC_STS,
                        .method = "POST",
                        .path = "/",
                        .safe_to_repeat = 1,
                        .parse = parse_reply,
                        .sts_query = build_query,
                        .ud = &f};
        rc = mc_exec(c, &call, &resp, NULL, err);
        if (rc == SL_OK) {
            pthread_mutex_lock(&s->mu);
            mc_creds_free(&s->cur);
            s->cur = f.got;
            memset(&f.got, 0, sizeof f.got);
            s->fetched_ms = sl_now_ms();
            s->expires = f.expires;
            remember(s, s->cur.secret);
            remember(s, s->cur.token);
            copy_creds(&s->cur, out);
            pthread_mutex_unlock(&s->mu);
            atomic_fetch_add(&c->st.sts_fetches, 1);
            sl_log(SL_LOG_INFO, "maxcompute", "STS credential %s obtained for role %s", out->id,
                   c->conf.role_name);
        }
        mc_creds_free(&f.got);
        sl_mc_http_resp_free(&resp);
        sl_buf_free(&what);
    }
    pthread_mutex_unlock(&s->fetch_mu);
    return rc;
}
