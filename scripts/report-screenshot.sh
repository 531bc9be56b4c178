#!/usr/bin/env bash
# docs/screenshots/report-page.png: the page of the report the core test exports from four
# real homes, rendered by headless Chromium at A4 width (794 CSS pixels). Run it after the
# page changes (the test's snapshot says when); it is not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
page="$(mktemp --suffix=.html)"
SANGAM_REPORT_PAGE="$page" cargo test -p sangam-core --test it --locked reports::a_report_from_real_homes
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=794,1900 \
  --screenshot=docs/screenshots/report-page.png "file://$page"
rm -f "$page"
