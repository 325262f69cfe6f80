/*
** connectors/maxcompute/http.c — libcurl transport and the XML reply scanner (see http.h).
**
** SPDX-License-Identifier: MIT
*/
#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>

#include "connectors/maxcompute/http.h"

struct sl_mc_http {
    CURL *curl;
    int64_t born_ms;
    sl_mc_http_resp *resp; /* the exchange in progress */
    int too_big;
    int stalled;             /* the progress callback aborted: read timeout */
    int64_t read_timeout_ms; /* of the exchange in progress */
    int64_t last_move_ms;    /* monotonic time bytes last moved */
    curl_off_t last_dl, last_ul;
    char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

sl_mc_http *sl_mc_http_new(void)
{
    pthread_once(&g_curl_once, curl_init_once);
    sl_mc_http *h = sl_calloc(1, sizeof *h);
    h->curl = curl_easy_init();
    if (!h->curl) sl_fatal("curl_easy_init failed");
    h->born_ms = sl_now_ms();
    return h;
}

void sl_mc_http_free(sl_mc_http *h)
{
    if (!h) return;
    curl_easy_cleanup(h->curl);
    sl_free(h);
}

int64_t sl_mc_http_born_ms(const sl_mc_http *h)
{
    return h->born_ms;
}

void sl_mc_http_resp_free(sl_mc_http_resp *resp)
{
    sl_buf_free(&resp->body);
    sl_buf_free(&resp->headers);
}

const char *sl_mc_http_header(const sl_mc_http_resp *resp, const char *name)
{
    const char *p = resp->headers.p, *end = p ? p + resp->headers.n : NULL;
    while (p && p < end) {
        const char *value = p + strlen(p) + 1;
        if (strcmp(p, name) == 0) return value;
        p = value + strlen(value) + 1;
    }
    return NULL;
}

int sl_mc_http_not_sent(int curl_code)
{
    return curl_code == CURLE_COULDNT_CONNECT || curl_code == CURLE_COULDNT_RESOLVE_HOST ||
           curl_code == CURLE_COULDNT_RESOLVE_PROXY;
}

static int unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

void sl_mc_url_encode(sl_buf *b, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p) || (keep_slash && *p == '/')) {
            sl_buf_putc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            sl_buf_append(b, e, 3);
        }
    }
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    sl_mc_http *h = ud;
    size_t n = size * nmemb;
    if (h->resp->body.n + n > SL_MC_HTTP_MAX_REPLY) {
        h->too_big = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    sl_buf_append(&h->resp->body, data, n);
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    sl_mc_http *h = ud;
    size_t n = size * nmemb, i = 0;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) { /* a new status line: 100-continue, ... */
        sl_buf_reset(&h->resp->headers);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon) return n;
    size_t nl = (size_t)(colon - data);
    for (i = 0; i < nl; i++) sl_buf_putc(&h->resp->headers, (char)tolower((unsigned char)data[i]));
    sl_buf_putc(&h->resp->headers, 0);
    const char *v = colon + 1, *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) end--;
    sl_buf_append(&h->resp->headers, v, (size_t)(end - v));
    sl_buf_putc(&h->resp->headers, 0);
    return n;
}

/* A socket read timeout: abort when no byte has moved for read_timeout_ms. libcurl calls this
** at least once a second while a transfer is idle. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    sl_mc_http *h = ud;
    int64_t now = sl_now_ms();
    SL_UNUSED(dltotal);
    SL_UNUSED(ultotal);
    if (dlnow != h->last_dl || ulnow != h->last_ul) {
        h->last_dl = dlnow;
        h->last_ul = ulnow;
        h->last_move_ms = now;
        return 0;
    }
    if (h->read_timeout_ms > 0 && now - h->last_move_ms > h->read_timeout_ms) {
        h->stalled = 1;
        return 1;
    }
    return 0;
}

static void build_url(sl_buf *url, const sl_mc_http_req *req)
{
    sl_buf_puts(url, req->base);
    sl_mc_url_encode(url, req->path ? req->path : "/", 1);
    if (req->raw_query) {
        sl_buf_putc(url, '?');
        sl_buf_puts(url, req->raw_query);
        return;
    }
    for (int i = 0; i < req->nquery; i++) {
        sl_buf_putc(url, i ? '&' : '?');
        sl_mc_url_encode(url, req->query[i].name, 0);
        if (req->query[i].value && *req->query[i].value) {
            sl_buf_putc(url, '=');
            sl_mc_url_encode(url, req->query[i].value, 0);
        }
    }
}

int sl_mc_http_perform(sl_mc_http *h, const sl_mc_http_req *req, sl_mc_http_resp *resp)
{
    CURL *c = h->curl;
    sl_buf url = SL_BUF_INIT, line = SL_BUF_INIT;
    struct curl_slist *headers = NULL;
    int has_type = 0;

    sl_buf_reset(&resp->body);
    sl_buf_reset(&resp->headers);
    resp->status = 0;
    resp->curl_code = 0;
    resp->curl_msg[0] = 0;
    resp->sent_all = 0;
    h->resp = resp;
    h->too_big = 0;
    h->stalled = 0;
    h->read_timeout_ms = req->read_timeout_ms;
    h->last_move_ms = sl_now_ms();
    h->last_dl = h->last_ul = 0;
    h->errbuf[0] = 0;

    build_url(&url, req);
    for (int i = 0; i < req->nheaders; i++) {
        sl_buf_reset(&line);
        sl_buf_printf(&line, "%s: %s", req->headers[i].name,
                      req->headers[i].value ? req->headers[i].value : "");
        if (!req->headers[i].value || !*req->headers[i].value) { /* curl: "Name;" sends empty */
            sl_buf_reset(&line);
            sl_buf_printf(&line, "%s;", req->headers[i].name);
        }
        if (sl_strcaseeq(req->headers[i].name, "Content-Type")) has_type = 1;
        headers = curl_slist_append(headers, line.p);
    }
    /* No 100-continue round trip, no Accept line of curl's own, no implicit form type. */
    headers = curl_slist_append(headers, "Expect:");
    headers = curl_slist_append(headers, "Accept:");
    if (!has_type) headers = curl_slist_append(headers, "Content-Type:");

    curl_easy_reset(c); /* keeps the connection cache: keep-alive across requests */
    curl_easy_setopt(c, CURLOPT_URL, url.p);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (req->ca_file && *req->ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
    if (req->connect_timeout_ms > 0)
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)req->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
    /* libcurl silently sends a request again when a reused connection turns out dead before
    ** any reply byte; a call that must not be repeated gets a connection of its own. */
    if (req->fresh_connect) curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    if (req->total_timeout_ms > 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)req->total_timeout_ms);

    const char *m = req->method;
    if (strcmp(m, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
    }

    CURLcode rc = curl_easy_perform(c);
    curl_off_t up = 0;
    curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
    resp->sent_all = (size_t)up >= req->body_len;
    curl_slist_free_all(headers);
    sl_buf_free(&url);
    sl_buf_free(&line);
    h->resp = NULL;

    if (h->too_big) {
        snprintf(resp->curl_msg, sizeof resp->curl_msg, "reply body larger than %u bytes",
                 SL_MC_HTTP_MAX_REPLY);
        resp->curl_code = CURLE_WRITE_ERROR;
        return SL_DATA;
    }
    if (h->stalled) {
        snprintf(resp->curl_msg, sizeof resp->curl_msg,
                 "no data moved for %lld ms (read timeout)", (long long)req->read_timeout_ms);
        resp->curl_code = CURLE_OPERATION_TIMEDOUT;
        return SL_UNAVAILABLE;
    }
    if (rc != CURLE_OK) {
        resp->curl_code = rc;
        snprintf(resp->curl_msg, sizeof resp->curl_msg, "%s",
                 h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
        return SL_UNAVAILABLE;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    resp->sent_all = 1;
    return SL_OK;
}

/* ---- XML scanner ------------------------------------------------------------------------- */

#define XML_MAX_DEPTH 64
#define XML_MAX_PATH 16

typedef struct xml_scan {
    const char *p, *end;
    const char *why;
} xml_scan;

static int name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80;
}

static int skip_past(xml_scan *s, const char *term, const char *why)
{
    size_t tn = strlen(term);
    while ((size_t)(s->end - s->p) >= tn) {
        if (memcmp(s->p, term, tn) == 0) {
            s->p += tn;
            return 0;
        }
        s->p++;
    }
    s->why = why;
    return -1;
}

static void put_utf8(sl_buf *b, uint32_t cp)
{
    char u[4];
    if (cp < 0x80) {
        sl_buf_putc(b, (char)cp);
        return;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        sl_buf_append(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        sl_buf_append(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        sl_buf_append(b, u, 4);
    }
}

/* Decode one entity at s->p ('&'); appends to out when not NULL. */
static int entity(xml_scan *s, sl_buf *out)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
    const char *p = s->p + 1;
    for (size_t i = 0; i < SL_ARRAY_LEN(named); i++) {
        size_t ln = strlen(named[i].name);
        if ((size_t)(s->end - p) >= ln && memcmp(p, named[i].name, ln) == 0) {
            if (out) sl_buf_putc(out, named[i].c);
            s->p = p + ln;
            return 0;
        }
    }
    if (p < s->end && *p == '#') {
        uint32_t cp = 0;
        int hex = 0, digits = 0;
        p++;
        if (p < s->end && *p == 'x') {
            hex = 1;
            p++;
        }
        for (; p < s->end && *p != ';'; p++, digits++) {
            int d;
            unsigned char ch = (unsigned char)*p;
            if (isdigit(ch)) d = ch - '0';
            else if (hex && isxdigit(ch)) d = tolower(ch) - 'a' + 10;
            else break;
            cp = cp * (hex ? 16u : 10u) + (uint32_t)d;
            if (cp > 0x10FFFF || digits > 8) break;
        }
        if (p < s->end && *p == ';' && digits > 0 && cp > 0 && cp <= 0x10FFFF &&
            (cp < 0xD800 || cp > 0xDFFF)) {
            if (out) put_utf8(out, cp);
            s->p = p + 1;
            return 0;
        }
    }
    s->why = "bad entity reference";
    return -1;
}

/* Skip the attributes of a start tag and its end; *empty = 1 for "/>". */
static int tag_rest(xml_scan *s, int *empty)
{
    for (;;) {
        while (s->p < s->end && isspace((unsigned char)*s->p)) s->p++;
        if (s->p >= s->end) break;
        if (*s->p == '>') {
            s->p++;
            *empty = 0;
            return 0;
        }
        if (*s->p == '/' && s->p + 1 < s->end && s->p[1] == '>') {
            s->p += 2;
            *empty = 1;
            return 0;
        }
        const char *a = s->p;
        while (s->p < s->end && name_char((unsigned char)*s->p)) s->p++;
        if (s->p == a) break;
        while (s->p < s->end && isspace((unsigned char)*s->p)) s->p++;
        if (s->p >= s->end || *s->p != '=') break;
        s->p++;
        while (s->p < s->end && isspace((unsigned char)*s->p)) s->p++;
        if (s->p >= s->end || (*s->p != '"' && *s->p != '\'')) break;
        char q = *s->p++;
        while (s->p < s->end && *s->p != q) {
            if (*s->p == '<') break;
            if (*s->p == '&') {
                if (entity(s, NULL)) return -1;
            } else {
                s->p++;
            }
        }
        if (s->p >= s->end || *s->p != q) break;
        s->p++;
    }
    s->why = "malformed start tag";
    return -1;
}

int sl_mc_xml_text(const char *xml, size_t n, const char *path, sl_buf *out, const char **why)
{
    const char *seg[XML_MAX_PATH];
    size_t segn[XML_MAX_PATH];
    int npath = 0;
    for (const char *p = path; *p && npath < XML_MAX_PATH;) {
        const char *e = strchr(p, '/');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        seg[npath] = p;
        segn[npath++] = l;
        p += l + (e ? 1 : 0);
    }
    const char *stack[XML_MAX_DEPTH];
    size_t stackn[XML_MAX_DEPTH];
    int depth = 0, match = 0, seen_root = 0;
    sl_buf text = SL_BUF_INIT;
    xml_scan s = {xml, xml + n, NULL};
    int rc = -1;

    if (n >= 3 && memcmp(xml, "\xEF\xBB\xBF", 3) == 0) s.p += 3; /* UTF-8 BOM */
    while (s.p < s.end) {
        int capture = npath > 0 && match == npath && depth == npath;
        if (*s.p != '<') {
            const char *start = s.p;
            while (s.p < s.end && *s.p != '<') {
                if (*s.p == '&') {
                    if (depth == 0) {
                        s.why = "text outside the root element";
                        goto done;
                    }
                    if (entity(&s, capture ? &text : NULL)) goto done;
                    continue;
                }
                if (depth == 0 && !isspace((unsigned char)*s.p)) {
                    s.why = "text outside the root element";
                    goto done;
                }
                if (capture) sl_buf_putc(&text, *s.p);
                s.p++;
            }
            SL_UNUSED(start);
            continue;
        }
        size_t left = (size_t)(s.end - s.p);
        if (left >= 2 && s.p[1] == '?') {
            if (skip_past(&s, "?>", "unterminated processing instruction")) goto done;
        } else if (left >= 4 && memcmp(s.p, "<!--", 4) == 0) {
            if (skip_past(&s, "-->", "unterminated comment")) goto done;
        } else if (left >= 9 && memcmp(s.p, "<![CDATA[", 9) == 0) {
            const char *start = s.p + 9;
            s.p = start;
            if (depth == 0) {
                s.why = "CDATA outside the root element";
                goto done;
            }
            if (skip_past(&s, "]]>", "unterminated CDATA section")) goto done;
            if (capture) sl_buf_append(&text, start, (size_t)(s.p - 3 - start));
        } else if (left >= 2 && s.p[1] == '!') {
            s.why = "DOCTYPE and declarations are not accepted";
            goto done;
        } else if (left >= 2 && s.p[1] == '/') {
            const char *nm = s.p + 2, *e = nm;
            while (e < s.end && name_char((unsigned char)*e)) e++;
            size_t ln = (size_t)(e - nm);
            while (e < s.end && isspace((unsigned char)*e)) e++;
            if (depth == 0 || e >= s.end || *e != '>' || ln != stackn[depth - 1] ||
                memcmp(nm, stack[depth - 1], ln) != 0) {
                s.why = "end tag does not match the open element";
                goto done;
            }
            s.p = e + 1;
            if (capture) { /* the element we were looking for is complete */
                sl_buf_append(out, text.p ? text.p : "", text.n);
                rc = 1;
                goto done;
            }
            if (match == depth) match--;
            depth--;
        } else {
            const char *nm = s.p + 1, *e = nm;
            while (e < s.end && name_char((unsigned char)*e)) e++;
            size_t ln = (size_t)(e - nm);
            if (ln == 0) {
                s.why = "'<' not followed by a name";
                goto done;
            }
            if (depth == 0 && seen_root) {
                s.why = "more than one root element";
                goto done;
            }
            if (depth == XML_MAX_DEPTH) {
                s.why = "elements nested too deeply";
                goto done;
            }
            s.p = e;
            int empty = 0;
            if (tag_rest(&s, &empty)) goto done;
            seen_root = 1;
            int matches = match == depth && depth < npath && segn[depth] == ln &&
                          memcmp(seg[depth], nm, ln) == 0;
            if (empty) {
                if (matches && depth + 1 == npath) { /* <Code/>: found, empty text */
                    sl_buf_append(out, "", 0);
                    rc = 1;
                    goto done;
                }
                continue;
            }
            stack[depth] = nm;
            stackn[depth] = ln;
            depth++;
            if (matches) {
                match = depth;
                if (match == npath) sl_buf_reset(&text);
            }
        }
    }
    if (depth != 0) s.why = "document ends inside an element";
    else if (!seen_root) s.why = "no root element";
    else rc = 0;
done:
    sl_buf_free(&text);
    if (rc < 0 && why) *why = s.why ? s.why : "malformed XML";
    return rc;
}
