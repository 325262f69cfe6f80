/*
** base/err.c — the error object, and the text behind the public result codes.
**
** SPDX-License-Identifier: MIT
*/
#include "base/err.h"

#include <stdio.h>

const char *sl_errstr(int rc)
{
    switch (rc) {
#define SL__RC_TEXT(name, num, text)                                                               \
    case num: return text;
        SL_RC_MAP(SL__RC_TEXT)
#undef SL__RC_TEXT
    }
    return "unknown result code";
}

const char *sl_rc_name(int rc)
{
    switch (rc) {
#define SL__RC_NAME(name, num, text)                                                               \
    case num: return "SL_" #name;
        SL_RC_MAP(SL__RC_NAME)
#undef SL__RC_NAME
    }
    return "SL_UNKNOWN";
}

void sl_err_clear(sl_err *err)
{
    err->code = SL_OK;
    err->offset = -1;
    err->len = 0;
    err->detail = 0;
    err->retriable = 0;
    err->fatal = 0;
    err->origin = NULL;
    err->msg[0] = 0;
}

int sl_err_vat(sl_err *err, int code, int offset, int len, const char *fmt, va_list ap)
{
    if (!err || err->code != SL_OK) return code;
    err->code = code;
    err->offset = offset;
    err->len = len;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int sl_err_at(sl_err *err, int code, int offset, int len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_err_vat(err, code, offset, len, fmt, ap);
    va_end(ap);
    return code;
}

int sl_err_set(sl_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_err_vat(err, code, -1, 0, fmt, ap);
    va_end(ap);
    return code;
}

void sl_err_locate(sl_err *err, int offset, int len)
{
    if (err && err->code != SL_OK && err->offset < 0) {
        err->offset = offset;
        err->len = len;
    }
}

void sl_err_prefix(sl_err *err, const char *fmt, ...)
{
    char head[SL_ERR_MSG_MAX], old[SL_ERR_MSG_MAX];
    va_list ap;
    if (!err || err->code == SL_OK) return;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s%s", head, old);
}

int sl_err_copy(sl_err *dst, const sl_err *src)
{
    if (dst && dst->code == SL_OK && src->code != SL_OK) *dst = *src;
    return src->code;
}
