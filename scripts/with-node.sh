#!/usr/bin/env bash
# Runs a command with the Node.js that scripts/bootstrap.sh brought for this project (when the
# machine's own is older than 22) first on PATH, without the rest of bootstrap: for the CLI and
# the worker, which are started often and need nothing installed again.
set -euo pipefail
tools_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/bin"
[ ! -x "$tools_bin/node" ] || export PATH="$tools_bin:$PATH"
exec "$@"
