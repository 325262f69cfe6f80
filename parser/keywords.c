/*
** parser/keywords.c — the keyword table and how tokens are named in messages.
**
** Keywords are matched after the lexer has recognised an identifier, by binary search over a
** sorted table (case-insensitive). Keeping them out of the DFA keeps one list of keywords, and
** the grammar decides which of them may still serve as names (%fallback ID).
**
** SPDX-License-Identifier: MIT
*/
#include "grammar.h"
#include "parser/parse_int.h"

static const struct kw {
    const char *name;
    int code;
} keywords[] = {
    {"ALL", SL_TK_ALL},
    {"AND", SL_TK_AND},
    {"ARRAY", SL_TK_ARRAY},
    {"AS", SL_TK_AS},
    {"BETWEEN", SL_TK_BETWEEN},
    {"BIGINT", SL_TK_BIGINT},
    {"BINARY", SL_TK_BINARY},
    {"BOOLEAN", SL_TK_BOOLEAN},
    {"BOTH", SL_TK_BOTH},
    {"BY", SL_TK_BY},
    {"BYTES", SL_TK_BYTES},
    {"CASE", SL_TK_CASE},
    {"CAST", SL_TK_CAST},
    {"CHAR", SL_TK_CHAR},
    {"CHARACTER", SL_TK_CHARACTER},
    {"COMMENT", SL_TK_COMMENT},
    {"CONSTRAINT", SL_TK_CONSTRAINT},
    {"CREATE", SL_TK_CREATE},
    {"CROSS", SL_TK_CROSS},
    {"DATE", SL_TK_DATE},
    {"DAY", SL_TK_DAY},
    {"DEC", SL_TK_DEC},
    {"DECIMAL", SL_TK_DECIMAL},
    {"DESC", SL_TK_DESC},
    {"DESCRIBE", SL_TK_DESCRIBE},
    {"DISTINCT", SL_TK_DISTINCT},
    {"DOUBLE", SL_TK_DOUBLE},
    {"DROP", SL_TK_DROP},
    {"ELSE", SL_TK_ELSE},
    {"END", SL_TK_END},
    {"ENFORCED", SL_TK_ENFORCED},
    {"ESCAPE", SL_TK_ESCAPE},
    {"EXISTS", SL_TK_EXISTS},
    {"EXPLAIN", SL_TK_EXPLAIN},
    {"FALSE", SL_TK_FALSE},
    {"FLOAT", SL_TK_FLOAT},
    {"FOR", SL_TK_FOR},
    {"FROM", SL_TK_FROM},
    {"FULL", SL_TK_FULL},
    {"GROUP", SL_TK_GROUP},
    {"HAVING", SL_TK_HAVING},
    {"HELP", SL_TK_HELP},
    {"HOUR", SL_TK_HOUR},
    {"IF", SL_TK_IF},
    {"IN", SL_TK_IN},
    {"INNER", SL_TK_INNER},
    {"INSERT", SL_TK_INSERT},
    {"INT", SL_TK_INT},
    {"INTEGER", SL_TK_INTEGER},
    {"INTERVAL", SL_TK_INTERVAL},
    {"INTO", SL_TK_INTO},
    {"IS", SL_TK_IS},
    {"JOB", SL_TK_JOB},
    {"JOBS", SL_TK_JOBS},
    {"JOIN", SL_TK_JOIN},
    {"KEY", SL_TK_KEY},
    {"LEADING", SL_TK_LEADING},
    {"LEFT", SL_TK_LEFT},
    {"LIKE", SL_TK_LIKE},
    {"LIMIT", SL_TK_LIMIT},
    {"LOCAL", SL_TK_LOCAL},
    {"MAP", SL_TK_MAP},
    {"METADATA", SL_TK_METADATA},
    {"MINUTE", SL_TK_MINUTE},
    {"MONTH", SL_TK_MONTH},
    {"NOT", SL_TK_NOT},
    {"NULL", SL_TK_NULL},
    {"NUMERIC", SL_TK_NUMERIC},
    {"ON", SL_TK_ON},
    {"OR", SL_TK_OR},
    {"OUTER", SL_TK_OUTER},
    {"OVERWRITE", SL_TK_OVERWRITE},
    {"PARTITIONED", SL_TK_PARTITIONED},
    {"PLAN", SL_TK_PLAN},
    {"PRECISION", SL_TK_PRECISION},
    {"PRIMARY", SL_TK_PRIMARY},
    {"REAL", SL_TK_REAL},
    {"RESET", SL_TK_RESET},
    {"RIGHT", SL_TK_RIGHT},
    {"ROW", SL_TK_ROW},
    {"SECOND", SL_TK_SECOND},
    {"SELECT", SL_TK_SELECT},
    {"SET", SL_TK_SET},
    {"SHOW", SL_TK_SHOW},
    {"SMALLINT", SL_TK_SMALLINT},
    {"STOP", SL_TK_STOP},
    {"STRING", SL_TK_STRING},
    {"SUBSTRING", SL_TK_SUBSTRING},
    {"TABLE", SL_TK_TABLE},
    {"TABLES", SL_TK_TABLES},
    {"TEMPORARY", SL_TK_TEMPORARY},
    {"THEN", SL_TK_THEN},
    {"TIME", SL_TK_TIME},
    {"TIMESTAMP", SL_TK_TIMESTAMP},
    {"TIMESTAMP_LTZ", SL_TK_TIMESTAMP_LTZ},
    {"TINYINT", SL_TK_TINYINT},
    {"TRAILING", SL_TK_TRAILING},
    {"TRIM", SL_TK_TRIM},
    {"TRUE", SL_TK_TRUE},
    {"TRY_CAST", SL_TK_TRY_CAST},
    {"VALUES", SL_TK_VALUES},
    {"VARBINARY", SL_TK_VARBINARY},
    {"VARCHAR", SL_TK_VARCHAR},
    {"VARYING", SL_TK_VARYING},
    {"VIRTUAL", SL_TK_VIRTUAL},
    {"WATERMARK", SL_TK_WATERMARK},
    {"WHEN", SL_TK_WHEN},
    {"WHERE", SL_TK_WHERE},
    {"WITH", SL_TK_WITH},
    {"WITHOUT", SL_TK_WITHOUT},
    {"YEAR", SL_TK_YEAR},
    {"ZONE", SL_TK_ZONE},
};

int sl_keyword_code(const char *z, size_t n)
{
    char up[24];
    if (n == 0 || n >= sizeof up) return SL_TK_ID;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        up[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
    }
    up[n] = 0;
    size_t lo = 0, hi = SL_ARRAY_LEN(keywords);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(up, keywords[mid].name);
        if (c == 0) return keywords[mid].code;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return SL_TK_ID;
}

const char *sl_token_display(int type)
{
    switch (type) {
    case 0: return "end of input";
    case SL_TK_ID: return "identifier";
    case SL_TK_STRING: return "string literal";
    case SL_TK_INTEGER: return "integer";
    case SL_TK_DECNUM: return "number";
    case SL_TK_FLOATNUM: return "number";
    case SL_TK_BLOB: return "binary literal";
    case SL_TK_SEMI: return "';'";
    case SL_TK_LP: return "'('";
    case SL_TK_RP: return "')'";
    case SL_TK_COMMA: return "','";
    case SL_TK_DOT: return "'.'";
    case SL_TK_EQ: return "'='";
    case SL_TK_NE: return "'<>'";
    case SL_TK_LT: return "'<'";
    case SL_TK_LE: return "'<='";
    case SL_TK_GT: return "'>'";
    case SL_TK_GE: return "'>='";
    case SL_TK_PLUS: return "'+'";
    case SL_TK_MINUS: return "'-'";
    case SL_TK_STAR: return "'*'";
    case SL_TK_SLASH: return "'/'";
    case SL_TK_PERCENT: return "'%'";
    case SL_TK_CONCAT: return "'||'";
    default: break;
    }
    for (size_t i = 0; i < SL_ARRAY_LEN(keywords); i++)
        if (keywords[i].code == type) return keywords[i].name;
    return "token";
}
