#!/usr/bin/env bash
# For learners: set up .venv with JupyterLab (the first time), then open chapter 6's notebook.
# Extra options go to `jupyter lab`, e.g. `bash scripts/lab.sh --no-browser --ip 0.0.0.0`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --jupyter
as_root=()
if [ "$(id -u)" = 0 ]; then  # a container's user: Jupyter refuses to start as root unless told
  as_root=(--allow-root)
fi
exec .venv/bin/jupyter lab exercises/ch6.ipynb "${as_root[@]}" "$@"
