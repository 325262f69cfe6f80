/*
** connectors/maxcompute/signer.h — request signing for MaxCompute REST/Tunnel and STS.
**
** ODPS requests (REST and Tunnel alike, spec section 1) are signed over a canonical string built
** from the method, Content-MD5, Content-Type, Date, the sorted x-odps-* headers and the canonical
** resource; the signature is HMAC-SHA1 keyed by the AccessKeySecret (v2) or by a derived key
** (v4, when a region is known). STS credentials sign the same way and add a token header. The
** STS AssumeRole call itself (section 2) is an Alibaba Cloud RPC request with its own
** percent-encoded query signature.
**
** Nothing here does I/O: callers build the request, ask for the header values, and send them.
** All strings are NUL-terminated UTF-8 and borrowed for the duration of the call.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_SIGNER_H
#define SL_MC_SIGNER_H

#include "base/buf.h"
#include "base/err.h"

/* The header that carries an STS security token on ODPS requests (never signed). */
#define SL_MC_STS_TOKEN_HEADER "authorization-sts-token"

/* Length of an RFC 1123 Date value ("Thu, 13 Jul 2023 13:13:00 GMT"). */
#define SL_MC_HTTP_DATE_LEN 29

/* A name/value pair: a query parameter or a header. */
typedef struct sl_mc_kv {
    const char *name;
    const char *value; /* NULL is allowed: a parameter without value, an empty header */
} sl_mc_kv;

typedef struct sl_mc_credentials {
    const char *access_id;      /* AccessKeyId (for STS the temporary "STS.…" id) */
    const char *access_secret;  /* AccessKeySecret (for STS the temporary secret) */
    const char *security_token; /* STS SecurityToken, or NULL for a long-term key */
    const char *region;         /* e.g. "cn-hangzhou": sign with v4; NULL or "" signs v2 (what
                                   the Kafka connector does) */
} sl_mc_credentials;

typedef struct sl_mc_request {
    const char *method;    /* "GET", "POST", "PUT", "DELETE", "HEAD" (upper case, as sent) */
    const char *resource;  /* percent-DECODED path relative to the endpoint: for the REST
                              endpoint without its "/api" prefix ("/projects/p/tables/t"), for
                              the tunnel endpoint the full path */
    const sl_mc_kv *query; /* percent-DECODED query parameters (curr_project included); a NULL
                              or empty value is canonicalised as the bare name */
    int nquery;
    const sl_mc_kv *headers; /* every header as it will be sent (names in any case); only
                                Content-MD5, Content-Type, Date and x-odps-* are signed */
    int nheaders;
    const char *v4_date; /* v4 scope date "yyyyMMdd" (UTC, client clock); NULL = today */
} sl_mc_request;

/*
** Append the string-to-sign of req to out (spec 1.1): lines joined by "\n", no trailing newline.
** Duplicate header names (compared case-insensitively) and duplicate parameter names keep the
** last occurrence, as the SDKs' maps do; an x-odps-* query parameter overrides a header of the
** same name. A missing Date header yields no Date line (the SDKs always send one).
** Errors: SL_MISUSE for a missing method or resource, a NULL header/parameter name, or a
** header containing CR or LF.
*/
int sl_mc_canonical_string(const sl_mc_request *req, sl_buf *out, sl_err *err);

/*
** Append the Authorization header value for req to authorization:
**   v2  "ODPS <AccessKeyId>:<base64 HMAC-SHA1(secret, canonical)>"
**   v4  "ODPS <AccessKeyId>/<date8>/<region>/odps/aliyun_v4_request:<base64 ...>"
** With STS credentials the caller must also send SL_MC_STS_TOKEN_HEADER: cred->security_token.
** Errors: those of sl_mc_canonical_string; SL_MISUSE for missing credentials or a malformed
** v4_date.
*/
int sl_mc_sign(const sl_mc_credentials *cred, const sl_mc_request *req, sl_buf *authorization,
               sl_err *err);

/* The v4 signing key (spec 1.5) into key[32]. */
void sl_mc_v4_signing_key(const char *secret, const char *date8, const char *region,
                          uint8_t key[32]);

/*
** RFC 1123 GMT date of epoch_sec into out[SL_MC_HTTP_DATE_LEN + 1], English names whatever the
** locale. These three formatters clamp years to 0000..9999.
*/
void sl_mc_http_date(int64_t epoch_sec, char out[SL_MC_HTTP_DATE_LEN + 1]);
/* UTC "yyyyMMdd" of epoch_sec into out[9]. */
void sl_mc_date8(int64_t epoch_sec, char out[9]);
/* UTC "yyyy-MM-ddTHH:mm:ssZ" (the RPC Timestamp parameter) into out[21]. */
void sl_mc_iso8601(int64_t epoch_sec, char out[21]);

/* Lower-case hex MD5 of data[0..n) into out[33]: the Java SDK's Content-MD5 (spec 1.3). */
void sl_mc_md5_hex(const void *data, size_t n, char out[33]);

/* base64(HMAC-SHA1(key, data)) into out[29]. */
void sl_mc_hmac_sha1_base64(const void *key, size_t keylen, const void *data, size_t n,
                            char out[29]);

/*
** RPC percent-encoding (spec 2): every byte except A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case
** hex), so a space is %20, '*' is %2A and '~' stays. Appends to b.
*/
void sl_mc_percent_encode(sl_buf *b, const char *s, size_t n);

/* A random RFC 4122 version-4 UUID (lower-case) into out[37]: the RPC SignatureNonce. */
void sl_mc_uuid4(char out[37]);

/*
** Sign an Alibaba Cloud RPC request (signature version 1.0, HMAC-SHA1): params (every parameter
** except Signature, in any order, values unencoded) are sorted by name and encoded into the
** canonical query; stringToSign = METHOD "&" enc("/") "&" enc(canonicalQuery); the key is
** secret + "&". Appends the base64 signature to signature and, when not NULL, the canonical query
** to canonical_query and the string-to-sign to string_to_sign. SL_MISUSE for NULL names.
*/
int sl_mc_rpc_sign(const char *method, const sl_mc_kv *params, int nparams, const char *secret,
                   sl_buf *signature, sl_buf *canonical_query, sl_buf *string_to_sign, sl_err *err);

/* Inputs of the connector's STS AssumeRole call (spec 2). */
typedef struct sl_mc_sts_params {
    const char *access_id;         /* long-term AccessKeyId */
    const char *access_secret;     /* long-term AccessKeySecret */
    const char *account_id;        /* Alibaba Cloud UID: RoleArn, AssumeRoleFor */
    const char *role_name;         /* RoleArn = acs:ram::<account_id>:role/<role_name> */
    const char *region_id;         /* RegionId; NULL omits the parameter */
    const char *role_session_name; /* NULL = "kafka-session-<account_id>" */
    int duration_seconds;          /* 0 = 3600 */
    const char *nonce;             /* SignatureNonce; NULL = a fresh sl_mc_uuid4 */
    const char *timestamp;         /* "yyyy-MM-ddTHH:mm:ssZ"; NULL = now */
    const char *method;            /* NULL = "POST", as the connector sends it */
} sl_mc_sts_params;

/*
** Append the complete, signed query string of the AssumeRole request to query (send it as
** "<method> https://<sts.endpoint>/?<query>" with an empty body): the sorted, percent-encoded
** parameters followed by "&Signature=<encoded signature>". string_to_sign, when not NULL,
** receives the string that was signed. SL_MISUSE when a required input is missing.
*/
int sl_mc_sts_assume_role_query(const sl_mc_sts_params *p, sl_buf *query, sl_buf *string_to_sign,
                                sl_err *err);

#endif
