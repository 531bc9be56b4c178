#!/usr/bin/env bash
# What only the test suite needs on top of scripts/deps.sh:
# - tauri-driver, the WebDriver bridge the window's end-to-end tests drive the app through;
# - hledger (Debian) and beancount's bean-check (PyPI, in a virtual environment of its
#   own), the accounting tools the ledger's exports are checked by;
# - python3-xlib, with which an end-to-end test closes the window as a desktop's close
#   button does (WM_DELETE_WINDOW: Xvfb has no window manager to send it).
# Idempotent: installs nothing when everything is present.
set -euo pipefail
tools="${SANGAM_TOOLS:-$HOME/.cache/sangam/tools}"

. "$(dirname "$0")/apt-missing.sh"
apt_missing hledger python3-venv python3-xlib

if [ ! -x "$tools/beancount/bin/bean-check" ]; then
  echo "Installing beancount 3.2.3 (bean-check) into $tools/beancount"
  python3 -m venv "$tools/beancount"
  "$tools/beancount/bin/pip" install --quiet beancount==3.2.3
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "Installing tauri-driver (cargo install, about two minutes)"
  cargo install tauri-driver --version '^2' --locked
fi
