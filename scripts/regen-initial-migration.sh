#!/usr/bin/env bash
# Regenerates server/migrations/0001_initial.py from the models (only while nothing is released:
# after the first release, add new migrations with `tortoise ... makemigrations` instead).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
mv server/migrations/0002_*.py "$tmp"/
rm -f server/migrations/0001_initial.py
DOORSTEP_DATA_DIR="$tmp/data" .venv/bin/tortoise -c server.core.tortoise_cli.TORTOISE_ORM makemigrations -n initial >/dev/null
mv "$tmp"/0002_*.py server/migrations/
rm -rf "$tmp"
echo "regenerated server/migrations/0001_initial.py"
