/*
** base/valuefmt.c — values as text (see valuefmt.h).
**
** SPDX-License-Identifier: MIT
*/
#include "base/valuefmt.h"

#include "base/datetime.h"
#include "base/numfmt.h"

static void java_bytes(sl_buf *b, const sl_value *v)
{
    sl_buf_putc(b, '[');
    for (uint32_t i = 0; i < v->n; i++) {
        if (i) sl_buf_puts(b, ", ");
        sl_buf_printf(b, "%d", (int)(signed char)v->u.z[i]);
    }
    sl_buf_putc(b, ']');
}

void sl_value_format(sl_buf *b, const sl_value *v, const sl_type *t, sl_style style)
{
    static const sl_type any = {0};
    if (!t) t = &any;
    if (v->tag == SL_V_NULL) {
        sl_buf_puts(b, style == SL_STYLE_JAVA ? "null" : "NULL");
        return;
    }
    switch (v->tag) {
    case SL_V_BOOL: sl_buf_puts(b, v->u.i ? "true" : "false"); break;
    case SL_V_INT: sl_buf_printf(b, "%lld", (long long)v->u.i); break;
    case SL_V_DOUBLE:
        if (t->id == SL_TYPE_FLOAT) sl_format_float_java(b, (float)v->u.d);
        else sl_format_double_java(b, v->u.d);
        break;
    case SL_V_DECIMAL: sl_format_decimal(b, sl_decimal_unscaled(v), v->scale); break;
    case SL_V_STRING: sl_buf_append(b, v->u.z, v->n); break;
    case SL_V_BYTES:
        if (style == SL_STYLE_JAVA) java_bytes(b, v);
        else sl_buf_append(b, v->u.z, v->n);
        break;
    case SL_V_DATE: sl_format_date(b, v->u.i); break;
    case SL_V_TIME:
        if (style == SL_STYLE_JAVA) sl_format_time_java(b, v->u.i);
        else sl_format_time_sql(b, v->u.i, 0, t->precision);
        break;
    case SL_V_TIMESTAMP:
        if (style == SL_STYLE_JAVA) {
            if (t->id == SL_TYPE_TIMESTAMP_LTZ) sl_format_instant_java(b, v->u.i, v->n);
            else sl_format_timestamp_java(b, v->u.i, v->n);
        } else {
            int p = t->id == SL_TYPE_TIMESTAMP || t->id == SL_TYPE_TIMESTAMP_LTZ ? t->precision
                                                                                : 9;
            sl_format_timestamp_sql(b, v->u.i, v->n, ' ', t->id ? 0 : 1, p);
        }
        break;
    case SL_V_ARRAY:
        sl_buf_putc(b, '[');
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) sl_buf_puts(b, ", ");
            sl_value_format(b, &v->u.list[i], t->elem, style);
        }
        sl_buf_putc(b, ']');
        break;
    case SL_V_MAP:
        sl_buf_putc(b, '{');
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) sl_buf_puts(b, ", ");
            sl_value_format(b, &v->u.list[i], t->elem, style);
            sl_buf_putc(b, '=');
            sl_value_format(b, &v->u.list[v->n + i], t->val, style);
        }
        sl_buf_putc(b, '}');
        break;
    case SL_V_ROW:
        sl_buf_puts(b, style == SL_STYLE_JAVA ? "+I[" : "(");
        for (uint32_t i = 0; i < v->n; i++) {
            if (i) sl_buf_puts(b, ", ");
            sl_value_format(b, &v->u.list[i],
                            t->fields && (int)i < t->nfields ? &t->fields[i].type : NULL, style);
        }
        sl_buf_putc(b, style == SL_STYLE_JAVA ? ']' : ')');
        break;
    default: break;
    }
}
