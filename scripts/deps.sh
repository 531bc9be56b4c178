#!/usr/bin/env bash
# Installs what building and testing Sangam needs and a fresh Debian 12 machine lacks.
# Idempotent: installs nothing when everything is present.
set -euo pipefail

# iproute2: the LAN test puts hosts in network namespaces joined by a bridge.
packages=(build-essential pkg-config iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "Installing missing system packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust 1.95 with rustup (https://rustup.rs), then rerun." >&2
  exit 1
fi
# rust-toolchain.toml pins the toolchain; make sure its components are there.
rustup component add rustfmt clippy >/dev/null 2>&1 || true
