/*
** formats/avro_registry.c — a small Confluent Schema Registry client over libcurl.
**
** Requests follow the registry's REST API (Content-Type application/vnd.schemaregistry.v1+json);
** error bodies are {"error_code": 40403, "message": "Schema not found"}. Responses are parsed
** with jansson. Each client owns one curl easy handle, which keeps its connections alive between
** requests; every request is bounded by a timeout (10 s unless configured), and curl runs
** without signals so that clients may live on any thread. Several base URLs may be given,
** separated by commas, as the Java client allows; the next is tried when one cannot be reached.
**
** Secrets (the basic-auth user info, the bearer token, credentials inside the URL) go to curl
** only: messages show the URL with its user info removed and the registry's own error text.
**
** SPDX-License-Identifier: MIT
*/
#include "formats/avro_registry.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>

#define MAX_URLS 8
#define MAX_BODY (16u << 20) /* a registry answer larger than this is refused */

struct sl_avro_registry {
    CURL *curl;
    struct curl_slist *headers;
    char *urls[MAX_URLS]; /* without a trailing '/' */
    char *shown[MAX_URLS];
    int nurls;
    int current; /* the URL that answered last */
    char *user_info, *bearer, *ca_file, *cert_file, *key_password;
    long timeout_ms;
    sl_buf body;
    int body_too_big;
    char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s)
{
    return s && *s ? sl_strdup(s) : NULL;
}

/* scheme://user:pass@host/... -> scheme://host/... */
static char *strip_user_info(const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *end = host + strcspn(host, "/?#");
    const char *at = NULL;
    for (const char *p = host; p < end; p++)
        if (*p == '@') at = p;
    if (!at) return sl_strdup(url);
    sl_buf b = SL_BUF_INIT;
    sl_buf_append(&b, url, (size_t)(host - url));
    sl_buf_puts(&b, at + 1);
    return sl_buf_detach(&b);
}

sl_avro_registry *sl_avro_registry_new(const sl_avro_registry_conf *conf)
{
    pthread_once(&g_curl_once, curl_init_once);
    sl_avro_registry *r = sl_calloc(1, sizeof *r);
    const char *p = conf->url ? conf->url : "";
    while (*p && r->nurls < MAX_URLS) {
        size_t n = strcspn(p, ",");
        const char *s = p, *e = p + n;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '/')) e--;
        if (e > s) {
            r->urls[r->nurls] = sl_strndup(s, (size_t)(e - s));
            r->shown[r->nurls] = strip_user_info(r->urls[r->nurls]);
            r->nurls++;
        }
        p += n;
        if (*p == ',') p++;
    }
    r->user_info = dup_or_null(conf->user_info);
    r->bearer = dup_or_null(conf->bearer_token);
    r->ca_file = dup_or_null(conf->ca_file);
    r->cert_file = dup_or_null(conf->cert_file);
    r->key_password = dup_or_null(conf->key_password);
    r->timeout_ms = conf->timeout_ms > 0 ? conf->timeout_ms : 10000;
    r->headers = curl_slist_append(NULL, "Content-Type: application/vnd.schemaregistry.v1+json");
    r->headers = curl_slist_append(r->headers, "Accept: application/vnd.schemaregistry.v1+json, "
                                               "application/vnd.schemaregistry+json; qs=0.9, "
                                               "application/json; qs=0.5");
    if (r->bearer) {
        sl_buf h = SL_BUF_INIT;
        sl_buf_printf(&h, "Authorization: Bearer %s", r->bearer);
        r->headers = curl_slist_append(r->headers, h.p);
        memset(h.p, 0, h.n);
        sl_buf_free(&h);
    }
    return r;
}

static void wipe_free(char *s)
{
    if (!s) return;
    volatile char *v = s;
    while (*v) *v++ = 0;
    sl_free(s);
}

void sl_avro_registry_free(sl_avro_registry *r)
{
    if (!r) return;
    if (r->curl) curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->headers);
    for (int i = 0; i < r->nurls; i++) {
        wipe_free(r->urls[i]);
        sl_free(r->shown[i]);
    }
    wipe_free(r->user_info);
    wipe_free(r->bearer);
    wipe_free(r->key_password);
    sl_free(r->ca_file);
    sl_free(r->cert_file);
    sl_buf_free(&r->body);
    sl_free(r);
}

const char *sl_avro_registry_display_url(const sl_avro_registry *r)
{
    return r->nurls ? r->shown[r->current] : "(no URL)";
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    sl_avro_registry *r = ud;
    size_t n = size * nmemb;
    if (r->body.n + n > MAX_BODY) {
        r->body_too_big = 1;
        return 0;
    }
    sl_buf_append(&r->body, data, n);
    return n;
}

static CURL *handle(sl_avro_registry *r)
{
    if (r->curl) return r->curl;
    CURL *c = curl_easy_init();
    if (!c) sl_fatal("curl_easy_init failed");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "sluice/" SL_VERSION);
    if (r->user_info) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, r->user_info);
    }
    if (r->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, r->ca_file);
    if (r->cert_file) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, r->cert_file);
        curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(c, CURLOPT_SSLKEY, r->cert_file);
        curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
        if (r->key_password) curl_easy_setopt(c, CURLOPT_KEYPASSWD, r->key_password);
    }
    r->curl = c;
    return c;
}

/* The registry's {"error_code", "message"} as text, or the HTTP status alone. */
static void describe_error(const sl_avro_registry *r, long status, char *out, size_t cap,
                           long *code)
{
    *code = 0;
    json_t *j = r->body.n ? json_loadb(r->body.p, r->body.n, 0, NULL) : NULL;
    json_t *ec = j ? json_object_get(j, "error_code") : NULL;
    json_t *msg = j ? json_object_get(j, "message") : NULL;
    if (json_is_integer(ec)) *code = (long)json_integer_value(ec);
    if (json_is_string(msg))
        snprintf(out, cap, "HTTP %ld, error %ld: %.300s", status, *code, json_string_value(msg));
    else
        snprintf(out, cap, "HTTP %ld", status);
    json_decref(j);
}

/*
** One request: method GET (body NULL) or POST; path starts with '/'. On SL_OK the answer is
** parsed into *out (a JSON object the caller releases). *status receives the HTTP status.
*/
static int request(sl_avro_registry *r, const char *path, const char *body, json_t **out,
                   long *status, long *ecode, sl_err *err)
{
    *out = NULL;
    *status = 0;
    *ecode = 0;
    if (!r->nurls) return sl_err_set(err, SL_CONFIG, "No Schema Registry URL is configured.");
    CURL *c = handle(r);
    int start = r->current;
    for (int k = 0; k < r->nurls; k++) {
        int u = (start + k) % r->nurls;
        sl_buf url = SL_BUF_INIT;
        sl_buf_printf(&url, "%s%s", r->urls[u], path);
        curl_easy_setopt(c, CURLOPT_URL, url.p);
        if (body) {
            curl_easy_setopt(c, CURLOPT_POST, 1L);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        } else {
            curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        }
        sl_buf_reset(&r->body);
        r->body_too_big = 0;
        r->errbuf[0] = 0;
        CURLcode cc = curl_easy_perform(c);
        memset(url.p, 0, url.n);
        sl_buf_free(&url);
        if (cc != CURLE_OK) {
            if (r->body_too_big)
                return sl_err_set(err, SL_UNAVAILABLE,
                                  "Schema Registry at %s sent an answer larger than %u bytes.",
                                  r->shown[u], MAX_BODY);
            if (k + 1 < r->nurls) continue;
            sl_err_set(err, SL_UNAVAILABLE, "Schema Registry at %s is unreachable: %s%s%s.",
                       r->shown[u], curl_easy_strerror(cc), r->errbuf[0] ? ": " : "", r->errbuf);
            err->detail = (int)cc;
            err->retriable = 1;
            err->origin = "schema-registry";
            return SL_UNAVAILABLE;
        }
        r->current = u;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        if (*status >= 200 && *status < 300) {
            json_error_t je;
            json_t *j = json_loadb(r->body.p ? r->body.p : "", r->body.n, 0, &je);
            if (!json_is_object(j)) {
                json_decref(j);
                return sl_err_set(err, SL_UNAVAILABLE,
                                  "Schema Registry at %s sent an answer that is not a JSON "
                                  "object (HTTP %ld).",
                                  r->shown[u], *status);
            }
            *out = j;
            return SL_OK;
        }
        char why[512];
        describe_error(r, *status, why, sizeof why, ecode);
        err->detail = (int)*status;
        if (*status == 401 || *status == 403) {
            sl_err_set(err, SL_CONFIG,
                       "Schema Registry at %s rejected the credentials (%s). Check the "
                       "basic-auth / bearer-auth options.",
                       r->shown[u], why);
        } else if (*status == 404) {
            sl_err_set(err, SL_DATA, "%s", why);
        } else if (*status == 409 || *status == 422) {
            sl_err_set(err, SL_CONFIG, "Schema Registry at %s refused the schema (%s).",
                       r->shown[u], why);
        } else {
            if (*status >= 500 && k + 1 < r->nurls) continue;
            sl_err_set(err, SL_UNAVAILABLE, "Schema Registry at %s failed the request (%s).",
                       r->shown[u], why);
            err->retriable = *status >= 500;
        }
        err->detail = (int)*status;
        err->origin = "schema-registry";
        return err->code;
    }
    return sl_err_set(err, SL_UNAVAILABLE, "Schema Registry is unreachable.");
}

static char *schema_body(const char *schema)
{
    json_t *o = json_object();
    json_object_set_new(o, "schema", json_string(schema));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s) sl_fatal("cannot encode a schema request");
    return s;
}

static char *subject_path(const sl_avro_registry *r, const char *subject, const char *suffix)
{
    CURL *c = r->curl;
    char *esc = curl_easy_escape(c, subject, 0);
    if (!esc) sl_fatal("out of memory escaping a subject");
    sl_buf p = SL_BUF_INIT;
    sl_buf_printf(&p, "/subjects/%s%s", esc, suffix);
    curl_free(esc);
    return sl_buf_detach(&p);
}

static int id_of(sl_avro_registry *r, json_t *j, uint32_t *id, sl_err *err)
{
    json_t *v = json_object_get(j, "id");
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)
        return sl_err_set(err, SL_UNAVAILABLE,
                          "Schema Registry at %s answered without a valid schema id.",
                          sl_avro_registry_display_url(r));
    *id = (uint32_t)json_integer_value(v);
    return SL_OK;
}

static int subject_call(sl_avro_registry *r, const char *subject, const char *schema,
                        const char *suffix, uint32_t *id, sl_err *err)
{
    handle(r);
    char *path = subject_path(r, subject, suffix);
    char *body = schema_body(schema);
    json_t *j;
    long status, ecode;
    int rc = request(r, path, body, &j, &status, &ecode, err);
    sl_free(path);
    sl_free(body);
    if (rc == SL_OK) {
        rc = id_of(r, j, id, err);
        json_decref(j);
    }
    return rc;
}

int sl_avro_registry_register(sl_avro_registry *r, const char *subject, const char *schema,
                              uint32_t *id, sl_err *err)
{
    return subject_call(r, subject, schema, "/versions", id, err);
}

int sl_avro_registry_lookup(sl_avro_registry *r, const char *subject, const char *schema,
                            uint32_t *id, sl_err *err)
{
    return subject_call(r, subject, schema, "", id, err);
}

int sl_avro_registry_schema(sl_avro_registry *r, uint32_t id, sl_buf *out, sl_err *err)
{
    char path[64];
    snprintf(path, sizeof path, "/schemas/ids/%u", id);
    json_t *j;
    long status, ecode;
    int rc = request(r, path, NULL, &j, &status, &ecode, err);
    if (rc) return rc;
    json_t *s = json_object_get(j, "schema");
    if (!json_is_string(s)) {
        json_decref(j);
        return sl_err_set(err, SL_UNAVAILABLE,
                          "Schema Registry at %s answered without a schema for id %u.",
                          sl_avro_registry_display_url(r), id);
    }
    json_t *type = json_object_get(j, "schemaType");
    if (json_is_string(type) && strcmp(json_string_value(type), "AVRO") != 0) {
        sl_err_set(err, SL_DATA, "schema id %u is a %s schema, not Avro", id,
                   json_string_value(type));
        json_decref(j);
        return SL_DATA;
    }
    sl_buf_append(out, json_string_value(s), json_string_length(s));
    json_decref(j);
    return SL_OK;
}
