#!/usr/bin/env bash
# Create .venv with torch (pinned to the builds on this machine's disk) and fastbook-grader.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/grader ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q torch==2.14.1 torchvision==0.29.1
  .venv/bin/pip install -q -e .
fi
