#!/usr/bin/env bash
# Does scripts/setup.sh install everything the build, the tests and the benchmarks use?
# Run on a machine where they all work (after setup.sh): see check-setup-deps.py.
#   check-setup-deps.sh [-v]     (SETUP_SH=FILE: check the lists of another setup script)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dpkg-query >/dev/null || { echo "check-setup-deps: needs dpkg (Debian)"; exit 2; }
bash "${SETUP_SH:-scripts/setup.sh}" --list-packages >/dev/null || { echo "check-setup-deps: setup.sh --list-packages failed"; exit 2; }
exec python3 scripts/check-setup-deps.py "$@"
