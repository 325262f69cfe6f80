/*
** connectors/maxcompute/signer.c — ODPS v2/v4 request signatures and the STS RPC signature.
**
** The canonical string follows the Java SDK's construction (a sorted map of the signed headers,
** then the x-odps-* query parameters put into the same map, then the resource with every
** parameter sorted by name) because that is what the service recomputes; pyodps produces the
** same text for every request the connector makes. Dates are formatted by hand rather than with
** strftime so that the process locale can never change "Thu" or "Jul".
**
** Cryptography is OpenSSL's: HMAC-SHA1/HMAC-SHA256 via HMAC(), MD5 via EVP_Digest, base64 via
** EVP_EncodeBlock, randomness via RAND_bytes.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/maxcompute/signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/datetime.h"

/* ---- small formatting helpers -------------------------------------------------------------- */

typedef struct civil {
    int64_t year;
    unsigned month, day, hour, minute, second, weekday; /* weekday 0 = Sunday */
} civil;

/*
** Calendar fields of an epoch second. The floor division is done without base/datetime.h's
** sl_floormod, whose a - floor(a / b) * b overflows near INT64_MIN; callers pass clock values,
** but the functions below are public and must not misbehave on any int64.
*/
static civil civil_of(int64_t epoch_sec)
{
    civil c;
    int64_t days = epoch_sec / 86400, sod = epoch_sec % 86400;
    if (sod < 0) {
        sod += 86400;
        days -= 1;
    }
    sl_civil_from_days(days, &c.year, &c.month, &c.day);
    c.hour = (unsigned)(sod / 3600);
    c.minute = (unsigned)(sod / 60 % 60);
    c.second = (unsigned)(sod % 60);
    int64_t wd = (days % 7 + 7 + 4) % 7; /* 1970-01-01 was a Thursday */
    c.weekday = (unsigned)wd;
    return c;
}

/* Write v as exactly width decimal digits (zero-padded); returns the position after them. */
static char *put_digits(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* Years are clamped to 0000..9999, the only ones the four-digit formats can express. */
static unsigned year4(int64_t y)
{
    return y < 0 ? 0 : y > 9999 ? 9999 : (unsigned)y;
}

void sl_mc_http_date(int64_t epoch_sec, char out[SL_MC_HTTP_DATE_LEN + 1])
{
    static const char wd[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char mo[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    civil c = civil_of(epoch_sec);
    char *p = out;
    memcpy(p, wd[c.weekday], 3);
    p += 3;
    *p++ = ',';
    *p++ = ' ';
    p = put_digits(p, c.day, 2);
    *p++ = ' ';
    memcpy(p, mo[c.month - 1], 3);
    p += 3;
    *p++ = ' ';
    p = put_digits(p, year4(c.year), 4);
    *p++ = ' ';
    p = put_digits(p, c.hour, 2);
    *p++ = ':';
    p = put_digits(p, c.minute, 2);
    *p++ = ':';
    p = put_digits(p, c.second, 2);
    memcpy(p, " GMT", 5);
}

void sl_mc_date8(int64_t epoch_sec, char out[9])
{
    civil c = civil_of(epoch_sec);
    char *p = put_digits(out, year4(c.year), 4);
    p = put_digits(p, c.month, 2);
    p = put_digits(p, c.day, 2);
    *p = 0;
}

void sl_mc_iso8601(int64_t epoch_sec, char out[21])
{
    civil c = civil_of(epoch_sec);
    char *p = put_digits(out, year4(c.year), 4);
    *p++ = '-';
    p = put_digits(p, c.month, 2);
    *p++ = '-';
    p = put_digits(p, c.day, 2);
    *p++ = 'T';
    p = put_digits(p, c.hour, 2);
    *p++ = ':';
    p = put_digits(p, c.minute, 2);
    *p++ = ':';
    p = put_digits(p, c.second, 2);
    memcpy(p, "Z", 2);
}

void sl_mc_md5_hex(const void *data, size_t n, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data, n, md, &len, EVP_md5(), NULL) || len != 16)
        sl_fatal("EVP_Digest(md5) failed");
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[32] = 0;
}

static void hmac(const EVP_MD *md, const void *key, size_t keylen, const void *data, size_t n,
                 unsigned char *out, unsigned int *outlen)
{
    /* HMAC() only fails on allocation failure or a bad digest: fatal by the project's policy. */
    if (!HMAC(md, key, (int)keylen, data, n, out, outlen)) sl_fatal("HMAC failed");
}

void sl_mc_hmac_sha1_base64(const void *key, size_t keylen, const void *data, size_t n,
                            char out[29])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    hmac(EVP_sha1(), key, keylen, data, n, mac, &len);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)len); /* 20 bytes -> 28 chars + NUL */
}

void sl_mc_v4_signing_key(const char *secret, const char *date8, const char *region,
                          uint8_t key[32])
{
    sl_buf k = SL_BUF_INIT;
    sl_buf_puts(&k, "aliyun_v4");
    sl_buf_puts(&k, secret);
    unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
    unsigned int alen = 0, blen = 0;
    hmac(EVP_sha256(), k.p, k.n, date8, strlen(date8), a, &alen);
    hmac(EVP_sha256(), a, alen, region, strlen(region), b, &blen);
    hmac(EVP_sha256(), b, blen, "odps", 4, a, &alen);
    hmac(EVP_sha256(), a, alen, "aliyun_v4_request", 17, b, &blen);
    memcpy(key, b, 32);
    /* The derived secret material does not outlive the call. */
    OPENSSL_cleanse(k.p, k.n);
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(b, sizeof b);
    sl_buf_free(&k);
}

void sl_mc_percent_encode(sl_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    sl_buf_reserve(b, n);
    b->p[b->n] = 0; /* terminated even when s is empty */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            sl_buf_putc_fast(b, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            sl_buf_append(b, esc, 3);
        }
    }
}

void sl_mc_uuid4(char out[37])
{
    unsigned char r[16];
    if (RAND_bytes(r, sizeof r) != 1) sl_fatal("RAND_bytes failed");
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
             r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
             r[14], r[15]);
}

/* ---- canonical string ----------------------------------------------------------------------- */

typedef struct entry {
    char *key; /* owned */
    const char *value;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

/* Put key (owned) into the map: the last occurrence of a key wins, as in a Java TreeMap. */
static void map_put(entry *ents, int *n, char *key, const char *value)
{
    for (int i = 0; i < *n; i++) {
        if (strcmp(ents[i].key, key) == 0) {
            sl_free(key);
            ents[i].value = value;
            return;
        }
    }
    ents[*n].key = key;
    ents[*n].value = value;
    (*n)++;
}

static void map_free(entry *ents, int n)
{
    for (int i = 0; i < n; i++) sl_free(ents[i].key);
    sl_free(ents);
}

static int has_crlf(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

int sl_mc_canonical_string(const sl_mc_request *req, sl_buf *out, sl_err *err)
{
    if (!req->method || !*req->method || !req->resource)
        return sl_err_set(err, SL_MISUSE, "request to sign lacks a method or resource");
    if (req->nheaders < 0 || req->nquery < 0 || (req->nheaders && !req->headers) ||
        (req->nquery && !req->query))
        return sl_err_set(err, SL_MISUSE, "request to sign has a bad header or query list");
    for (int i = 0; i < req->nheaders; i++) {
        if (!req->headers[i].name)
            return sl_err_set(err, SL_MISUSE, "request header without a name");
        if (has_crlf(req->headers[i].name) || has_crlf(req->headers[i].value))
            return sl_err_set(err, SL_MISUSE, "request header '%s' contains CR or LF",
                              req->headers[i].name);
    }
    for (int i = 0; i < req->nquery; i++)
        if (!req->query[i].name)
            return sl_err_set(err, SL_MISUSE, "query parameter without a name");

    /* Signed headers and x-odps-* parameters, in one map as the SDK builds it. */
    entry *ents = sl_calloc((size_t)(req->nheaders + req->nquery + 2), sizeof *ents);
    int n = 0;
    for (int i = 0; i < req->nheaders; i++) {
        char *lower = sl_strdup(req->headers[i].name);
        for (char *p = lower; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        if (strcmp(lower, "content-type") == 0 || strcmp(lower, "content-md5") == 0 ||
            strcmp(lower, "date") == 0 || strncmp(lower, "x-odps-", 7) == 0)
            map_put(ents, &n, lower, req->headers[i].value ? req->headers[i].value : "");
        else
            sl_free(lower);
    }
    int have_type = 0, have_md5 = 0;
    for (int i = 0; i < n; i++) {
        have_type |= strcmp(ents[i].key, "content-type") == 0;
        have_md5 |= strcmp(ents[i].key, "content-md5") == 0;
    }
    if (!have_type) map_put(ents, &n, sl_strdup("content-type"), "");
    if (!have_md5) map_put(ents, &n, sl_strdup("content-md5"), "");
    /* Parameter names are matched case-sensitively and kept as they are (Java does the same). */
    for (int i = 0; i < req->nquery; i++)
        if (strncmp(req->query[i].name, "x-odps-", 7) == 0)
            map_put(ents, &n, sl_strdup(req->query[i].name), req->query[i].value);
    qsort(ents, (size_t)n, sizeof *ents, cmp_entry);

    sl_buf_puts(out, req->method);
    sl_buf_putc(out, '\n');
    for (int i = 0; i < n; i++) {
        if (strncmp(ents[i].key, "x-odps-", 7) == 0) {
            sl_buf_puts(out, ents[i].key);
            sl_buf_putc(out, ':');
        }
        if (ents[i].value) sl_buf_puts(out, ents[i].value);
        sl_buf_putc(out, '\n');
    }
    map_free(ents, n);

    /* Canonical resource: every parameter, sorted by name, bare when the value is empty. */
    sl_buf_puts(out, req->resource);
    entry *params = sl_calloc((size_t)(req->nquery + 1), sizeof *params);
    int np = 0;
    for (int i = 0; i < req->nquery; i++)
        map_put(params, &np, sl_strdup(req->query[i].name), req->query[i].value);
    qsort(params, (size_t)np, sizeof *params, cmp_entry);
    for (int i = 0; i < np; i++) {
        sl_buf_putc(out, i == 0 ? '?' : '&');
        sl_buf_puts(out, params[i].key);
        if (params[i].value && *params[i].value) {
            sl_buf_putc(out, '=');
            sl_buf_puts(out, params[i].value);
        }
    }
    map_free(params, np);
    return SL_OK;
}

static int valid_date8(const char *s)
{
    if (strlen(s) != 8) return 0;
    for (int i = 0; i < 8; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

int sl_mc_sign(const sl_mc_credentials *cred, const sl_mc_request *req, sl_buf *authorization,
               sl_err *err)
{
    if (!cred || !cred->access_id || !*cred->access_id || !cred->access_secret)
        return sl_err_set(err, SL_MISUSE, "maxcompute credentials lack an AccessKeyId or secret");
    sl_buf canon = SL_BUF_INIT;
    int rc = sl_mc_canonical_string(req, &canon, err);
    if (rc != SL_OK) {
        sl_buf_free(&canon);
        return rc;
    }
    char sig[29];
    if (cred->region && *cred->region) {
        char today[9];
        const char *date8 = req->v4_date;
        if (!date8) {
            sl_mc_date8(sl_wall_ms() / 1000, today);
            date8 = today;
        }
        if (!valid_date8(date8)) {
            sl_buf_free(&canon);
            return sl_err_set(err, SL_MISUSE, "v4 scope date '%s' is not yyyyMMdd", date8);
        }
        uint8_t key[32];
        sl_mc_v4_signing_key(cred->access_secret, date8, cred->region, key);
        sl_mc_hmac_sha1_base64(key, sizeof key, canon.p, canon.n, sig);
        OPENSSL_cleanse(key, sizeof key);
        sl_buf_printf(authorization, "ODPS %s/%s/%s/odps/aliyun_v4_request:%s", cred->access_id,
                      date8, cred->region, sig);
    } else {
        sl_mc_hmac_sha1_base64(cred->access_secret, strlen(cred->access_secret), canon.p, canon.n,
                               sig);
        sl_buf_printf(authorization, "ODPS %s:%s", cred->access_id, sig);
    }
    sl_buf_free(&canon);
    return SL_OK;
}

/* ---- RPC (STS) signing ---------------------------------------------------------------------- */

int sl_mc_rpc_sign(const char *method, const sl_mc_kv *params, int nparams, const char *secret,
                   sl_buf *signature, sl_buf *canonical_query, sl_buf *string_to_sign, sl_err *err)
{
    if (!method || !secret || nparams < 0 || (nparams && !params))
        return sl_err_set(err, SL_MISUSE, "RPC request to sign lacks a method or secret");
    for (int i = 0; i < nparams; i++)
        if (!params[i].name) return sl_err_set(err, SL_MISUSE, "RPC parameter without a name");
    /*
    ** Sort by the encoded name. For the ASCII names of real APIs that is the plain byte order the
    ** SDK's TreeMap uses on the raw names.
    */
    entry *ents = sl_calloc((size_t)nparams + 1, sizeof *ents);
    int n = 0;
    for (int i = 0; i < nparams; i++) {
        sl_buf k = SL_BUF_INIT;
        sl_mc_percent_encode(&k, params[i].name, strlen(params[i].name));
        map_put(ents, &n, sl_buf_detach(&k), params[i].value ? params[i].value : "");
    }
    qsort(ents, (size_t)n, sizeof *ents, cmp_entry);
    sl_buf q = SL_BUF_INIT;
    for (int i = 0; i < n; i++) {
        if (i) sl_buf_putc(&q, '&');
        sl_buf_puts(&q, ents[i].key);
        sl_buf_putc(&q, '=');
        sl_mc_percent_encode(&q, ents[i].value, strlen(ents[i].value));
    }
    map_free(ents, n);

    sl_buf sts = SL_BUF_INIT;
    sl_buf_puts(&sts, method);
    sl_buf_puts(&sts, "&%2F&");
    sl_mc_percent_encode(&sts, q.p ? q.p : "", q.n);
    sl_buf key = SL_BUF_INIT;
    sl_buf_puts(&key, secret);
    sl_buf_putc(&key, '&');
    char sig[29];
    sl_mc_hmac_sha1_base64(key.p, key.n, sts.p, sts.n, sig);
    OPENSSL_cleanse(key.p, key.n);
    sl_buf_free(&key);
    sl_buf_puts(signature, sig);
    if (canonical_query) sl_buf_append(canonical_query, q.p ? q.p : "", q.n);
    if (string_to_sign) sl_buf_append(string_to_sign, sts.p, sts.n);
    sl_buf_free(&q);
    sl_buf_free(&sts);
    return SL_OK;
}

int sl_mc_sts_assume_role_query(const sl_mc_sts_params *p, sl_buf *query, sl_buf *string_to_sign,
                                sl_err *err)
{
    if (!p->access_id || !*p->access_id || !p->access_secret || !p->account_id || !*p->account_id ||
        !p->role_name || !*p->role_name)
        return sl_err_set(err, SL_MISUSE,
                          "STS AssumeRole needs access_id, access_key, account_id and role_name");
    char nonce[37], ts[21], duration[24];
    if (!p->nonce) sl_mc_uuid4(nonce);
    if (!p->timestamp) sl_mc_iso8601(sl_wall_ms() / 1000, ts);
    snprintf(duration, sizeof duration, "%d", p->duration_seconds ? p->duration_seconds : 3600);
    sl_buf arn = SL_BUF_INIT, session = SL_BUF_INIT;
    sl_buf_printf(&arn, "acs:ram::%s:role/%s", p->account_id, p->role_name);
    if (p->role_session_name)
        sl_buf_puts(&session, p->role_session_name);
    else
        sl_buf_printf(&session, "kafka-session-%s", p->account_id);
    sl_mc_kv params[13] = {
        {"AccessKeyId", p->access_id},
        {"Action", "AssumeRole"},
        {"AssumeRoleFor", p->account_id},
        {"DurationSeconds", duration},
        {"Format", "XML"},
        {"RoleArn", arn.p},
        {"RoleSessionName", session.p},
        {"SignatureMethod", "HMAC-SHA1"},
        {"SignatureNonce", p->nonce ? p->nonce : nonce},
        {"SignatureVersion", "1.0"},
        {"Timestamp", p->timestamp ? p->timestamp : ts},
        {"Version", "2015-04-01"},
        {"RegionId", p->region_id},
    };
    int nparams = p->region_id ? 13 : 12;
    sl_buf sig = SL_BUF_INIT, canon = SL_BUF_INIT;
    int rc = sl_mc_rpc_sign(p->method ? p->method : "POST", params, nparams, p->access_secret, &sig,
                            &canon, string_to_sign, err);
    if (rc == SL_OK) {
        sl_buf_append(query, canon.p, canon.n);
        sl_buf_puts(query, "&Signature=");
        sl_mc_percent_encode(query, sig.p, sig.n);
    }
    sl_buf_free(&sig);
    sl_buf_free(&canon);
    sl_buf_free(&arn);
    sl_buf_free(&session);
    return rc;
}
