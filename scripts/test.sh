#!/usr/bin/env bash
# The whole test suite, exactly what CI runs (.ci/run calls this): tox, from a tool venv of its own
# (.ci-tools, made the first time). Needs only python3. Options go to tox, e.g.
# `bash scripts/test.sh -- tests/test_cli.py -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .ci-tools/bin/tox ]; then
  python3 -m venv .ci-tools
  .ci-tools/bin/pip install -q "tox>=4"
fi
exec .ci-tools/bin/tox "$@"
