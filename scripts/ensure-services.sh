#!/usr/bin/env bash
# Makes sure the system programs the test suite starts are present: Redis (the Redis stores and
# queues run against a real redis-server). Installs them from the OS packages when missing and
# allowed; otherwise says exactly what to install. Tests start and stop the servers themselves.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing ${missing[*]} for the test suite…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "Installing ${missing[*]} for the test suite…"
  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The test suite needs: ${missing[*]}. Install it (e.g. \`sudo apt-get install ${missing[*]}\` or \`brew install redis\`) and run again." >&2
  exit 1
fi
