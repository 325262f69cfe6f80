/*
** connectors/maxcompute/http.h — HTTP transport of the MaxCompute client, and reply-body helpers.
**
** One sl_mc_http wraps one libcurl easy handle. The handle keeps its connection cache between
** requests (curl_easy_reset keeps live connections), so a handle reused for the next request
** talks keep-alive to the same host. A handle is used by one thread at a time; the client keeps
** a pool of idle handles (client.c). TLS is libcurl's (OpenSSL on Debian), with peer and host
** verification always on.
**
** Nothing here signs or retries: the caller builds the request (client.c signs it) and decides
** what a failure means. Transport failures come back as a CURLcode with libcurl's message; HTTP
** statuses, including 4xx and 5xx, are successful transfers.
**
** The XML helper reads the small documents the REST API and STS answer with (tables, errors,
** instances, credentials). It is a strict, bounded scanner over untrusted bytes, not a general
** XML parser: no DTDs, no namespaces, entities limited to the five predefined ones and numeric
** character references.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_HTTP_H
#define SL_MC_HTTP_H

#include "base/buf.h"
#include "base/err.h"
#include "connectors/maxcompute/signer.h"

/* Largest reply body the client accepts (a table schema, a session's JSON). */
#define SL_MC_HTTP_MAX_REPLY (16u << 20)

typedef struct sl_mc_http sl_mc_http;

typedef struct sl_mc_http_req {
    const char *method;      /* "GET", "PUT", "POST", "DELETE" */
    const char *base;        /* "http://host:port" or "https://host/api" (no trailing '/') */
    const char *path;        /* percent-DECODED path appended to base; segments are encoded */
    const sl_mc_kv *query;   /* percent-DECODED parameters, encoded Java-style (%20) */
    int nquery;
    const char *raw_query;   /* or an already-encoded query string (STS); NULL = use query */
    const sl_mc_kv *headers; /* every header to send except Content-Length/Host (curl's) */
    int nheaders;
    const void *body; /* request body (borrowed), or NULL */
    size_t body_len;  /* sent with Content-Length; POST/PUT without a body send 0 */
    int64_t connect_timeout_ms; /* TCP + TLS handshake */
    int64_t read_timeout_ms;    /* abort when no byte moved for this long (stall) */
    int64_t total_timeout_ms;   /* whole exchange; 0 = no limit beyond the stall timeout */
    const char *ca_file;        /* PEM bundle for https, NULL = system store */
    int fresh_connect;          /* use a new connection: libcurl never re-sends the request
                                   on its own (it does on a dead reused connection) */
} sl_mc_http_req;

typedef struct sl_mc_http_resp {
    long status;     /* HTTP status, 0 when the transfer failed */
    int curl_code;   /* CURLcode; 0 = transfer complete */
    char curl_msg[256];
    int sent_all;    /* 1 when the whole request went out (the server may have acted on it) */
    sl_buf body;     /* reply body (owned; sl_mc_http_resp_free) */
    sl_buf headers;  /* "name\0value\0" pairs, names lower-cased */
} sl_mc_http_resp;

/* A new handle (returns owned; free with sl_mc_http_free). */
sl_mc_http *sl_mc_http_new(void);
void sl_mc_http_free(sl_mc_http *h);
/* Monotonic ms when the handle was created (for recycling old connections). */
int64_t sl_mc_http_born_ms(const sl_mc_http *h);

/*
** Perform one exchange. resp is reset first and filled; the return value is SL_OK when an HTTP
** status was received (any status), SL_UNAVAILABLE for a transport failure (resp->curl_code,
** resp->curl_msg), SL_DATA for a reply body over SL_MC_HTTP_MAX_REPLY. Borrows req.
*/
int sl_mc_http_perform(sl_mc_http *h, const sl_mc_http_req *req, sl_mc_http_resp *resp);

/* The value of a reply header (name in lower case), or NULL. */
const char *sl_mc_http_header(const sl_mc_http_resp *resp, const char *name);

void sl_mc_http_resp_free(sl_mc_http_resp *resp);

/* 1 when the transport failure code means the request never reached the server. */
int sl_mc_http_not_sent(int curl_code);

/* Append s percent-encoded to b: unreserved characters kept, '/' kept when keep_slash. */
void sl_mc_url_encode(sl_buf *b, const char *s, int keep_slash);

/*
** The text of the first element at path in an XML document xml[0..n): path is a '/'-separated
** list of element names starting at the root ("Error/Code", "Instance/Tasks/Task/Status").
** Character data and CDATA sections directly inside that element are concatenated, entities
** decoded, and appended to out. Returns 1 when found, 0 when the document has no such element,
** -1 when the document is malformed (unbalanced tags, bad entity, nesting deeper than 64, a
** DOCTYPE); then out is left as it was and *why (when not NULL) names the problem.
*/
int sl_mc_xml_text(const char *xml, size_t n, const char *path, sl_buf *out, const char **why);

#endif
