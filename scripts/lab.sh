#!/usr/bin/env bash
# For learners: set up .venv with JupyterLab (the first time), then open chapter 6's notebook.
# Extra options go to `jupyter lab`, e.g. `bash scripts/lab.sh --no-browser`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --jupyter
exec .venv/bin/jupyter lab exercises/ch6.ipynb "$@"
