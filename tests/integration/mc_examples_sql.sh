#!/usr/bin/env bash
# tests/integration/mc_examples_sql.sh — the MaxCompute examples as SQL scripts (see mc_examples.sh).
#
# SPDX-License-Identifier: MIT
exec "$(dirname "${BASH_SOURCE[0]}")/mc_examples.sh" sql
