/*
** cli/http.c — the runner's admin endpoint over libmicrohttpd (see http.h).
**
**   GET /healthz   200 {"status":"ok",...} while every running job's loop made progress within
**                  SL_CLI_LIVENESS_MS (or no job runs); 503 {"status":"stalled",...} otherwise
**   GET /readyz    200 when a job runs and all its sources and sinks are connected, else 503;
**                  the body has one JSON entry per connector
**   GET /metrics   the Prometheus text format (docs/metrics.md)
**
** Read-only: other methods get 405, other paths 404. libmicrohttpd runs its own polling thread;
** the handlers only read the library's process-wide registries (thread-safe), so a slow scraper
** never blocks a job. Connections are limited in number and idle time (slowloris).
**
** SPDX-License-Identifier: MIT
*/
#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sluice.h"

static struct MHD_Daemon *g_daemon;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, "Allow", "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)con_cls;
    static const char json[] = "application/json";
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, json,
                     "{\"error\":\"read-only endpoint: use GET\"}\n");
    if (strcmp(url, "/healthz") == 0) {
        long long age = (long long)sl_heartbeat_age_ms();
        int ok = age < SL_CLI_LIVENESS_MS;
        char body[160];
        snprintf(body, sizeof body, "{\"status\":\"%s\",\"heartbeat_age_ms\":%lld}\n",
                 ok ? "ok" : "stalled", age);
        return reply(c, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, json, body);
    }
    if (strcmp(url, "/readyz") == 0) {
        char *body = NULL;
        int ready = sl_readiness(&body);
        enum MHD_Result r = reply(c, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, json,
                                  body);
        sl_text_free(body);
        return r;
    }
    if (strcmp(url, "/metrics") == 0) {
        char *body = sl_metrics_text();
        enum MHD_Result r = reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                                  body);
        sl_text_free(body);
        return r;
    }
    return reply(c, MHD_HTTP_NOT_FOUND, json,
                 "{\"error\":\"not found: try /healthz, /readyz or /metrics\"}\n");
}

int sl_cli_http_start(const char *addr, char *msg, size_t msglen)
{
    char host[256];
    const char *colon = strrchr(addr, ':');
    size_t hn = colon ? (size_t)(colon - addr) : 0;
    if (!colon || hn >= sizeof host) {
        snprintf(msg, msglen, "--http: expected ADDR:PORT, not '%s'", addr);
        return -1;
    }
    memcpy(host, addr, hn);
    host[hn] = 0;
    if (hn >= 2 && host[0] == '[' && host[hn - 1] == ']') { /* [::1]:9249 */
        memmove(host, host + 1, hn - 2);
        host[hn - 2] = 0;
    }
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    /* An empty host binds the loopback address, never every interface by surprise. */
    int gai = getaddrinfo(*host ? host : "127.0.0.1", colon + 1, &hints, &ai);
    if (gai) {
        snprintf(msg, msglen, "--http %s: %s", addr, gai_strerror(gai));
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    g_daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
                                ai->ai_addr, MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
    if (!g_daemon) {
        freeaddrinfo(ai);
        snprintf(msg, msglen, "--http %s: cannot listen there (address in use or not local?)",
                 addr);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(g_daemon, MHD_DAEMON_INFO_BIND_PORT);
    char shown[64], bound[320], port[16];
    if (ai->ai_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, shown, sizeof shown);
    else inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, shown, sizeof shown);
    snprintf(port, sizeof port, "%u", info ? (unsigned)info->port : 0);
    snprintf(bound, sizeof bound, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", shown, port);
    freeaddrinfo(ai);
    const char *fields[] = {"address", bound, NULL};
    sl_log_write("info", "http", fields, "serving /healthz, /readyz and /metrics");
    return 0;
}

void sl_cli_http_stop(void)
{
    if (g_daemon) MHD_stop_daemon(g_daemon);
    g_daemon = NULL;
}
