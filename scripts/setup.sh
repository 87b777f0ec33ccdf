#!/usr/bin/env bash
# Create .venv with torch (pinned to the builds on this machine's disk) and fastbook-grader.
#   --jupyter  also install JupyterLab (the `jupyter` extra) and register the venv's kernel with
#              Jupyter as "Python (fastbook-grader)"
# Needs only python3; safe to run again (it installs only what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
jupyter=0
for arg in "$@"; do
  case "$arg" in
    --jupyter) jupyter=1 ;;
    *) echo "scripts/setup.sh: unknown option '$arg' (the only option is --jupyter)" >&2; exit 2 ;;
  esac
done

if [ ! -x .venv/bin/grader ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q torch==2.14.1 torchvision==0.29.1
  .venv/bin/pip install -q -e .
fi

# The grader's offline stand-in of the book's `fastbook` package (grader/offline/fastbook), so that
# `from fastbook import *` works in .venv as it does while grading. A path line in a .pth file goes
# at the end of sys.path: a real fastbook installed in .venv is found first.
site_packages=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$PWD/grader/offline" > "$site_packages/fastbook-grader-offline.pth"

if [ "$jupyter" = 1 ] && [ ! -x .venv/bin/jupyter-lab ]; then
  .venv/bin/pip install -q -e ".[jupyter]"
  .venv/bin/python -m ipykernel install --user --name fastbook-grader \
    --display-name "Python (fastbook-grader)" >/dev/null
fi
