#!/usr/bin/env bash
# One command on a fresh machine: set up, then grade the shipped solutions (all of chapter 6).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/grader check ch6 solutions/ch6.py "$@"
