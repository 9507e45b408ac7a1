#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the timeline page's e2e test
# (apps/controller/test/ledger-page.e2e-spec.ts drives it with playwright-core,
# which downloads no browser). Idempotent: does nothing when it is there.
# CHROMIUM_PATH overrides where the test (and this script) look for it.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  echo "chromium: $chromium is installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $chromium is missing and this is not a Debian-like system: install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "chromium: installing Debian's chromium with apt-get"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
if [ ! -x "$chromium" ]; then
  echo "chromium: apt-get installed chromium, but $chromium is still missing: set CHROMIUM_PATH" >&2
  exit 1
fi
echo "chromium: $chromium is installed"
