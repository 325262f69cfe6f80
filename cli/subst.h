/*
** cli/subst.h — ${...} variables in job scripts, substituted when the script is loaded.
**
**   ${NAME}                 the value of NAME: --define NAME=VALUE, else the environment
**   ${NAME:-default}        the value, or default when NAME is unset or empty
**   ${NAME:?message}        the value, or an error with message when NAME is unset or empty
**   ${secret_values.NAME}   SLUICE_SECRET_NAME from the environment, else the file NAME in the
**                           secrets directory (--secrets-dir), trailing newline removed
**   $$                      a literal $
**
** Values are inserted literally and never scanned again. Text inside comments (line and block)
** is left alone. An undefined variable is an error (exit code 78) naming it and its position.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_CLI_SUBST_H
#define SL_CLI_SUBST_H

#include <stddef.h>

typedef struct sl_subst_seg {
    size_t orig, orig_len; /* a ${...} in the original text */
    size_t out, out_len;   /* its value in the output */
} sl_subst_seg;

typedef struct sl_subst {
    const char *const *defines; /* NAME=VALUE strings from --define */
    int ndefines;
    const char *secrets_dir;
    int json; /* the text is JSON: no comments; values are inserted JSON-escaped (they sit
                 inside strings), so a '"' or '\\' in a value cannot break the document */
    /* results */
    char *out;
    size_t out_len;
    sl_subst_seg *segs;
    int nsegs;
    char errmsg[512];
    size_t err_offset;
    int nsecrets; /* secret values substituted: the caller registers them for masking */
    char **secrets;
} sl_subst;

/* Substitute src[0..len). Returns 0, or -1 with errmsg and err_offset (in src) set. */
int sl_subst_run(sl_subst *s, const char *src, size_t len);

/* Map an offset in the output back to the original text. */
size_t sl_subst_map(const sl_subst *s, size_t out_offset);

void sl_subst_free(sl_subst *s);

#endif
