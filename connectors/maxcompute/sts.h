/*
** connectors/maxcompute/sts.h — STS AssumeRole credentials for the MaxCompute client (spec 2).
**
** The client asks for a temporary credential with the long-term key (POST
** <sts.endpoint>/?Action=AssumeRole..., RPC signature from signer.h, XML reply), caches it and
** signs ODPS requests with it plus the authorization-sts-token header. A cached credential is
** replaced when it is older than min(sts_refresh_ms, client_timeout_ms) — the connector's
** "fetch time + 3600 s - 5 min" with the defaults — or when the service has answered 401 to a
** request signed with it, or when its Expiration (with a minute of margin) has passed on the
** wall clock. One thread fetches while the others wait for the result.
**
** SPDX-License-Identifier: MIT
*/
#ifndef SL_MC_STS_H
#define SL_MC_STS_H

#include "connectors/maxcompute/client_int.h"

/* Validate the STS part of c->conf and prepare the cache (*out owned: mc_sts_free). */
int mc_sts_new(sl_mc_client *c, mc_sts **out, sl_err *err);
void mc_sts_free(mc_sts *s);

/* Copies of the credential to sign with, fetching or refreshing it first when due. */
int mc_sts_get(sl_mc_client *c, mc_creds *out, sl_err *err);

/* Forget the cached credential (the next mc_sts_get fetches). */
void mc_sts_invalidate(mc_sts *s);

/* "https://sts.aliyuncs.com" or the configured URL, without a trailing '/'. */
const char *mc_sts_base(const mc_sts *s);

/* Replace every secret the STS cache has seen (secrets, tokens) in text with "***". */
void mc_sts_scrub(mc_sts *s, sl_buf *text);

#endif
