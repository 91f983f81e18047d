#!/usr/bin/env bash
# Before `npm test` or `npm run demo` does anything: names every missing tool and the command
# that installs it on Debian 12 / Ubuntu 24.04 (docs/prerequisites.md), then exits 1.
# Usage: scripts/check-prerequisites.sh test|demo
set -uo pipefail
mode=${1:-test}
cd "$(dirname "$0")/.." || exit 1

# One venv for the three Python tools (Debian 12 and Ubuntu 24.04 refuse a plain `pip install`:
# externally-managed-environment). The single quotes are meant: the line is printed, not run.
# shellcheck disable=SC2016
VENV='sudo apt-get install python3-venv
           python3 -m venv ~/.venvs/ro2key
           ~/.venvs/ro2key/bin/pip install "moto[server]" awscli cfn-lint
           export PATH="$HOME/.venvs/ro2key/bin:$PATH"   # and add this line to ~/.profile'
missing=0
python_tools=()

# need TOOL WHAT INSTALL: reports TOOL when it is not on PATH.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  missing=$((missing + 1))
  printf 'missing: %s (%s)\n  install: %s\n' "$1" "$2" "$3" >&2
}

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  missing=$((missing + 1))
  printf 'missing: Node.js 20 or newer (found %s; 22 LTS recommended)\n  install: see https://nodejs.org\n' \
    "$(node --version 2>/dev/null || echo none)" >&2
fi
if [ ! -x node_modules/.bin/tsx ] || { [ "$mode" = test ] && [ ! -x node_modules/.bin/tap ]; }; then
  missing=$((missing + 1))
  printf 'missing: node_modules (the npm dependencies)\n  install: npm ci\n' >&2
fi
# venv_tool TOOL WHAT: a tool of the venv; one install line for all of them.
venv_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  missing=$((missing + 1))
  python_tools+=("$1 ($2)")
}
venv_tool moto_server 'the STS/IAM emulator ro2key runs against'
venv_tool aws 'the AWS CLI that how_to_use.sh runs'
need curl 'how_to_use.sh calls ro2key with it' 'sudo apt-get install curl'
if [ "$mode" = test ]; then
  venv_tool cfn-lint 'checks deploy/cloudformation'
  need jq 'the JSON tool how_to_use.sh prefers (its tests use it)' 'sudo apt-get install jq'
  # playwright-core drives Debian's Chromium in the web page's tests
  need chromium 'the browser of the browser tests' \
    'sudo apt-get install chromium   (Ubuntu 24.04: sudo snap install chromium)'
  need haproxy 'the load balancer of the fleet test' 'sudo apt-get install haproxy'
  need promtool 'checks deploy/prometheus alert rules' 'sudo apt-get install prometheus'
fi

if [ ${#python_tools[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${python_tools[@]}" >&2
  printf '  install: %s\n' "$VENV" >&2
fi
if [ "$missing" -gt 0 ]; then
  printf '%d prerequisite(s) missing for npm %s; the commands are explained in docs/prerequisites.md\n' \
    "$missing" "$([ "$mode" = demo ] && echo 'run demo' || echo test)" >&2
  exit 1
fi
