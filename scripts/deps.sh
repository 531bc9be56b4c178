#!/usr/bin/env bash
# Installs what building, running and testing Sangam needs and a fresh Debian 12 machine
# lacks: system packages, Node's packages for the window (npm ci), and tauri-driver for
# the end-to-end tests. Idempotent: installs nothing when everything is present.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# build-essential, pkg-config, libssl-dev, libwebkit2gtk-4.1-dev: building the window
#   (Tauri on WebKitGTK).
# iproute2: the LAN test puts hosts in network namespaces joined by a bridge.
# xvfb, xauth, webkit2gtk-driver: the window's end-to-end tests (a virtual display and
#   WebKitWebDriver).
# fonts-noto-core: Noto Sans Tamil, so Tamil screens render (and screenshot) properly.
# python3: the independent report verifier in tests/report-verifier/ (standard library).
# procps: pgrep, with which the end-to-end harness finds an app that outlived its session.
# nodejs, npm: building the window's UI, when Node is not installed some other way.
# libayatana-appindicator3-1: the tray icon that keeps a closed window's home serving
#   (loaded at run time; the window runs without it, with no tray).
packages=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev iproute2
  xvfb xauth webkit2gtk-driver fonts-noto-core python3 procps libayatana-appindicator3-1)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
. "$root/scripts/apt-missing.sh"
apt_missing "${packages[@]}"

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust 1.95 with rustup (https://rustup.rs), then rerun." >&2
  exit 1
fi
# rust-toolchain.toml pins the toolchain; make sure its components are there.
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# The window's packages, exactly as locked; again only when the lock file changed.
stamp="$root/ui/node_modules/.sangam-lock"
if ! cmp -s "$root/ui/package-lock.json" "$stamp" 2>/dev/null; then
  echo "Installing the window's Node packages (npm ci)"
  (cd "$root/ui" && npm ci --no-audit --no-fund)
  cp "$root/ui/package-lock.json" "$stamp"
fi
