#!/usr/bin/env bash
# What only the test suite needs on top of scripts/deps.sh: tauri-driver, the WebDriver
# bridge the window's end-to-end tests drive the app through.
set -euo pipefail
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "Installing tauri-driver (cargo install, about two minutes)"
  cargo install tauri-driver --version '^2' --locked
fi
