/*
** tests/unit/test_metrics.c — the metrics registry (Prometheus text), readiness probes, loop
** heartbeats and secret masking (base/metrics.c, base/log.c), through the internal and the
** public API.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <unistd.h>

#include "base/log.h"
#include "base/metrics.h"

static char *render(void)
{
    sl_buf b = SL_BUF_INIT;
    sl_metrics_render(&b);
    return sl_buf_detach(&b);
}

Test(metrics, counters_keep_their_series_and_never_disappear)
{
    const char *l[] = {"job", "j", "table", "t", NULL};
    sl_metric *a = sl_metric_get(SL_METRIC_COUNTER, "x_total", "Things.", l);
    sl_metric *b = sl_metric_get(SL_METRIC_COUNTER, "x_total", "Ignored.", l);
    cr_assert_eq(a, b, "the same name and labels are the same series");
    sl_metric_add(a, 3);
    sl_metric_add(b, 4);
    sl_metric_release(a);
    sl_metric_release(b);
    char *t = render();
    cr_assert(strstr(t, "# HELP x_total Things.\n# TYPE x_total counter\n"), "%s", t);
    cr_assert(strstr(t, "x_total{job=\"j\",table=\"t\"} 7\n"), "%s", t);
    cr_assert(strstr(t, "sluice_build_info{version=\"" SL_VERSION "\"} 1\n"), "%s", t);
    sl_free(t);
    /* A later job with the same labels continues the count. */
    sl_metric *c = sl_metric_get(SL_METRIC_COUNTER, "x_total", NULL, l);
    sl_metric_add(c, 1);
    t = render();
    cr_assert(strstr(t, "x_total{job=\"j\",table=\"t\"} 8\n"), "%s", t);
    sl_free(t);
}

Test(metrics, gauges_go_away_with_their_last_user)
{
    const char *l[] = {"partition", "0", NULL};
    sl_metric *g = sl_metric_get(SL_METRIC_GAUGE, "lag", "Lag.", l);
    sl_metric *g2 = sl_metric_get(SL_METRIC_GAUGE, "lag", "Lag.", l);
    sl_metric_set(g, 12.5);
    char *t = render();
    cr_assert(strstr(t, "lag{partition=\"0\"} 12.5\n"), "%s", t);
    sl_free(t);
    sl_metric_release(g);
    t = render();
    cr_assert(strstr(t, "lag{partition=\"0\"} 12.5\n"), "still held once: %s", t);
    sl_free(t);
    sl_metric_release(g2);
    t = render();
    cr_assert_null(strstr(t, "lag{"), "%s", t);
    cr_assert_null(strstr(t, "# TYPE lag"), "a family without series is not rendered: %s", t);
    sl_free(t);
}

Test(metrics, histogram_buckets_are_cumulative)
{
    sl_metric *h = sl_metric_get(SL_METRIC_HISTOGRAM, "d_seconds", "D.", NULL);
    sl_metric_observe(h, 0.0005);
    sl_metric_observe(h, 0.2);
    sl_metric_observe(h, 100);
    char *t = render();
    cr_assert(strstr(t, "# TYPE d_seconds histogram\n"), "%s", t);
    cr_assert(strstr(t, "d_seconds_bucket{le=\"0.001\"} 1\n"), "%s", t);
    cr_assert(strstr(t, "d_seconds_bucket{le=\"0.1\"} 1\n"), "%s", t);
    cr_assert(strstr(t, "d_seconds_bucket{le=\"0.25\"} 2\n"), "%s", t);
    cr_assert(strstr(t, "d_seconds_bucket{le=\"60\"} 2\n"), "%s", t);
    cr_assert(strstr(t, "d_seconds_bucket{le=\"+Inf\"} 3\n"), "%s", t);
    cr_assert(strstr(t, "d_seconds_count 3\n"), "%s", t);
    cr_assert(strstr(t, "d_seconds_sum 100.2005"), "%s", t);
    sl_free(t);
}

Test(metrics, label_values_are_escaped)
{
    const char *l[] = {"table", "a\"b\\c\nd", NULL};
    sl_metric_add(sl_metric_get(SL_METRIC_COUNTER, "e_total", "E.", l), 1);
    char *t = render();
    cr_assert(strstr(t, "e_total{table=\"a\\\"b\\\\c\\nd\"} 1\n"), "%s", t);
    sl_free(t);
}

Test(metrics, secrets_are_masked_in_labels_and_texts)
{
    cr_assert_eq(sl_secret_add("hunter2"), SL_OK);
    cr_assert_eq(sl_secret_add("hunter2-long"), SL_OK);
    cr_assert_eq(sl_secret_add(""), SL_OK);
    cr_assert_eq(sl_secret_add(NULL), SL_MISUSE);
    const char *l[] = {"topic", "hunter2", NULL};
    sl_metric_add(sl_metric_get(SL_METRIC_COUNTER, "s_total", "S.", l), 1);
    char *t = sl_metrics_text();
    cr_assert(strstr(t, "s_total{topic=\"******\"} 1\n"), "%s", t);
    cr_assert_null(strstr(t, "hunter2"));
    sl_text_free(t);
    /* The longest secret wins where two overlap; text around them is kept. */
    sl_buf b = SL_BUF_INIT;
    cr_assert_eq(sl_secrets_mask("a hunter2-long b hunter2", 24, &b), 1);
    cr_assert_str_eq(b.p, "a ****** b ******");
    sl_buf_free(&b);
    char fixed[16] = "xhunter2y";
    sl_secrets_mask_inplace(fixed, sizeof fixed);
    cr_assert_str_eq(fixed, "x******y");
    cr_assert_eq(sl_secrets_mask("nothing", 7, &b), 0);
    cr_assert_str_eq(b.p, "nothing");
    sl_buf_free(&b);
}

Test(metrics, readiness_needs_every_probe_connected)
{
    char *json = NULL;
    cr_assert_eq(sl_readiness(&json), 0, "no job, not ready");
    cr_assert_str_eq(json, "{\"ready\":false,\"connectors\":[]}\n");
    sl_text_free(json);
    sl_probe *src = sl_probe_add("j", "t1", "kafka", "source");
    sl_probe *dst = sl_probe_add("j", "t2", "print", "sink");
    sl_probe_set(src, 1, NULL);
    cr_assert_eq(sl_readiness(NULL), 0, "the sink is not connected yet");
    sl_probe_set(dst, 1, NULL);
    cr_assert_eq(sl_readiness(&json), 1);
    cr_assert(strstr(json, "{\"job\":\"j\",\"table\":\"t1\",\"connector\":\"kafka\","
                           "\"role\":\"source\",\"connected\":true}"),
              "%s", json);
    sl_text_free(json);
    sl_probe_set(src, 0, "all Kafka brokers are down");
    cr_assert_eq(sl_readiness(&json), 0);
    cr_assert(strstr(json, "\"connected\":false,\"reason\":\"all Kafka brokers are down\""), "%s",
              json);
    sl_text_free(json);
    sl_probe_remove(src);
    sl_probe_remove(dst);
    cr_assert_eq(sl_readiness(NULL), 0);
}

Test(metrics, heartbeat_age_of_running_loops)
{
    cr_assert_eq(sl_heartbeat_age_ms(), 0, "no loop runs");
    sl_loop *l = sl_loop_add();
    usleep(120 * 1000);
    cr_assert_geq(sl_heartbeat_age_ms(), 100);
    sl_loop_beat(l);
    cr_assert_lt(sl_heartbeat_age_ms(), 100);
    sl_loop_remove(l);
    cr_assert_eq(sl_heartbeat_age_ms(), 0);
}

Test(log, json_lines_with_fields_and_masking, .init = cr_redirect_stderr)
{
    sl_secret_add("s3cr3t");
    cr_assert_eq(sl_log_config("info", "json"), SL_OK);
    const char *f[] = {"job", "j1", "skipped", NULL, "topic", "s3cr3t", NULL};
    cr_assert_eq(sl_log_write("info", "runner", f, "say \"hi\"\n"), SL_OK);
    cr_assert_eq(sl_log_write("debug", "runner", NULL, "below the level"), SL_OK);
    cr_assert_eq(sl_log_write("loud", "runner", NULL, "x"), SL_MISUSE);
    fflush(stderr);
    char line[512] = {0};
    FILE *e = cr_get_redirected_stderr();
    cr_assert(fgets(line, sizeof line, e));
    cr_assert(strstr(line, "\"level\":\"info\",\"component\":\"runner\",\"msg\":\"say \\\"hi\\\"\\n\","
                           "\"job\":\"j1\",\"topic\":\"******\"}\n"),
              "%s", line);
    cr_assert(strncmp(line, "{\"ts\":\"", 7) == 0, "%s", line);
    cr_assert_null(fgets(line, sizeof line, e), "the debug line was written: %s", line);
}
