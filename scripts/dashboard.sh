#!/usr/bin/env bash
# Set everything up, then open the dashboard on the bundled sample article.
# Extra arguments go to 'streamlit run' (e.g. --server.port 8600).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"
