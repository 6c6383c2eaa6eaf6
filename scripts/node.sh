#!/usr/bin/env bash
# Runs Node for the project's scripts (tests, demo, benchmarks, CLIs): Node 24 by default,
# as GitHub runs `runs.using: node24`. Picks tools/node24's binary (installed by `npm ci`'s
# postinstall), else the machine's node when it is at least 22 (the oldest we claim), else
# stops with the fix. Arguments are passed through untouched (no shell string is built).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pinned="$root/tools/node24/node_modules/node/bin/node"
if [ -x "$pinned" ]; then
  exec "$pinned" "$@"
fi
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -ge 22 ]; then
  exec node "$@"
fi
echo "node.sh: this project runs on Node >= 22 (Node 24 by default); found Node ${major} and no $pinned." >&2
echo "node.sh: run 'npm run setup' (its npm ci installs Node 24 into tools/node24), or install Node 22+." >&2
exit 1
