#!/usr/bin/env bash
# Installs everything reelscope needs on this machine, idempotently: every step checks
# first and does nothing when its tool is already there. Called by `npm run demo`,
# `npm test` and .ci/run, so a fresh clone needs no manual steps.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

temporal_cli_version="v1.5.1"
tools_bin="$root/.tools/bin"
debian_packages=(ffmpeg pocketsphinx pocketsphinx-en-us pocketsphinx-testdata chromium)

say() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] cannot continue: %s\n' "$*" >&2; exit 1; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$node_major" -ge 20 ] || die "Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none)). Install it from https://nodejs.org or your distribution."

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
# (playwright-core drives it; its own browser download cannot work offline).
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
