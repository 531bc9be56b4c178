#!/usr/bin/env bash
# A first co-op, step by step, in your own home (the platform data directory, e.g.
# ~/.local/share/sangam). Safe to run again: it skips what is already done.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
sangam="${CARGO_TARGET_DIR:-$root/target}/release/sangam"

ask() { # ask PROMPT DEFAULT -> answer (the default when there is no terminal)
  local answer=""
  if [ -t 0 ]; then read -r -p "$1 [$2]: " answer || true; fi
  echo "${answer:-$2}"
}

echo "== Sangam: your first co-op"
if ! "$sangam" id show >/dev/null 2>&1; then
  name=$(ask "Your name, as other members will see it" "${USER:-Member}")
  "$sangam" id new --name "$name"
else
  "$sangam" id show
fi
echo

if [ -z "$("$sangam" coop list --json | tr -d '[:space:][]')" ]; then
  coop=$(ask "Name of your co-op" "Our Co-op")
  currency=$(ask "Its currency" "EUR")
  "$sangam" coop create "$coop" --currency "$currency"
fi
coops=$("$sangam" coop list --json)
if [ "$(grep -c '"id"' <<<"$coops")" -gt 1 ]; then
  echo "This home holds several co-ops; the walkthrough uses the first."
  first=$(grep -m1 '"id"' <<<"$coops" | sed 's/.*"id": "\([0-9a-f]*\)".*/\1/')
  set -- --coop "$first"
fi
"$sangam" "$@" coop show
echo

echo "== Inviting a member"
echo "Over the network (LAN or internet): keep \`sangam serve\` running on this laptop, run"
echo "\`sangam invite\` beside it, and give the newcomer the ticket (or let them scan its QR"
echo "code). On their laptop: \`sangam join TICKET --name NAME\`. They end with the whole co-op."
echo
echo "Without a network: the newcomer runs \`sangam id new --name NAME\` and sends you the key."
key=$(ask "Paste a newcomer's member key to admit now (empty to skip)" "")
if [ -n "$key" ]; then
  newcomer=$(ask "Their name" "New member")
  "$sangam" "$@" member admit "$key" --name "$newcomer" || true
fi
"$sangam" "$@" member list
echo

echo "== Carrying the co-op to another laptop without a network"
bundle="${HOME:-.}/sangam-first.bundle"
"$sangam" "$@" bundle export "$bundle"
echo "Copy $bundle to the newcomer (USB stick, email); they run \`sangam bundle import FILE\`."
echo "Their laptop then bundles its own changes back to you the same way. After that, laptops"
echo "in one room find each other by themselves while \`sangam serve\` runs on them."
echo
echo "Everything else: \`$sangam --help\` and docs/cli.md."
