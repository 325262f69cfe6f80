#!/usr/bin/env bash
# tests/integration/mc_faults_crash.sh — the maxcompute sink's streaming duplicates, SIGKILL and
# restart, and faults no retry cures (see mc_faults.sh).
#
# SPDX-License-Identifier: MIT
exec "$(dirname "${BASH_SOURCE[0]}")/mc_faults.sh" crash
