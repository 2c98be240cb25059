#!/usr/bin/env bash
# deps.sh - install every Debian package openbmis needs to build, test, benchmark and fuzz.
# Idempotent: when everything is present it changes nothing and needs no network.
# Otherwise it runs `apt-get update` first, then installs what is missing (as root, or through sudo).
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config git   # build
  clang-format                           # style check in the test suite
  libcmocka-dev                          # unit tests
  libjansson-dev                         # JSON in the command line and HTTP front ends
  libicu-dev                             # Unicode: name normalisation and transliteration
  libxml2-dev                            # UN consolidated list (XML) loader
  libcsv-dev                             # OFAC SDN CSV loader (RFC 4180 quoting)
  libsqlite3-dev                         # the default store (SQLite, WAL)
  libsodium-dev                          # Argon2id password hashes, SHA-256 of the audit chain
  libmicrohttpd-dev                      # bmis serve (HTTP)
  curl jq                                # HTTP tests against a running bmis serve
  wrk                                    # load benchmark of bmis serve (make bench)
  clang libclang-rt-14-dev               # libFuzzer harnesses (make fuzz)
  chromium                               # browser tests of the web UI (Playwright drives Debian's Chromium)
)
# Node.js runs the benchmark peers (npm packages); the machine image may already ship it.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
