#!/usr/bin/env bash
# `make deb-check`: builds the .deb (a release build of the window, so not part of
# `make test`), then checks what it installs and that it uninstalls cleanly, in a
# throwaway root (`dpkg --root`): no container, and nothing on this machine is touched.
set -euo pipefail

cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"

# The bundler finds the tray library through pkg-config to name it as a dependency of the
# package, so building the .deb (only that) needs its -dev package.
. scripts/apt-missing.sh
apt_missing libayatana-appindicator3-dev

ui/node_modules/.bin/tauri build --bundles deb
deb="$(ls -t "$target"/release/bundle/deb/*.deb | head -n 1)"
echo "package: $deb"

fail() {
  echo "deb-check: $*" >&2
  exit 1
}

package="$(dpkg-deb --field "$deb" Package)"
echo "name: $package, version $(dpkg-deb --field "$deb" Version)"
depends="$(dpkg-deb --field "$deb" Depends)"
echo "depends: $depends"
# The tray icon that keeps a closed window's home serving loads this at run time.
grep -q 'libayatana-appindicator3-1' <<<"$depends" || fail "the package does not depend on libayatana-appindicator3-1"

# What it carries: the binary, the desktop entry with the sangam: URL handler, and the
# icon at every size the window ships.
# Paths as the package lists them, without a leading "./".
paths="$(dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./||')"
has() { grep -qx -- "$1" <<<"$paths"; }
desktop="$(grep -x 'usr/share/applications/.*\.desktop' <<<"$paths" || true)"
[ "$(wc -w <<<"$desktop")" = 1 ] || fail "not one desktop entry in the package: $desktop"
has usr/bin/sangam-desktop || fail "no usr/bin/sangam-desktop"
for size in 16x16 32x32 48x48 64x64 128x128 256x256 512x512; do
  has "usr/share/icons/hicolor/$size/apps/sangam-desktop.png" || fail "no $size icon"
done

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"

# The libraries it depends on are this machine's, not the throwaway root's.
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb"
entry="$root/$desktop"
[ -f "$entry" ] || fail "the desktop entry is not installed"
echo "--- $desktop"
cat "$entry"
echo "---"
grep -q '^MimeType=.*x-scheme-handler/sangam;' "$entry" || fail "the desktop entry does not handle sangam: links"
grep -q '^Exec=sangam-desktop %u$' "$entry" || fail "the desktop entry does not pass the link to the window"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$entry" || fail "the desktop entry does not validate"
fi
installed="$(dpkg --root="$root" -L "$package" | wc -l)"
echo "installed: $installed paths"

dpkg --root="$root" --force-script-chrootless --purge "$package"
left="$(find "$root" -path "$root/var" -prune -o -type f -print)"
[ -z "$left" ] || fail "files left after purging: $left"
dpkg --root="$root" -l "$package" 2>/dev/null | grep -q '^ii' && fail "still installed after purging"
echo "deb-check: installs the binary, the desktop entry with the sangam: URL handler and the icons at every size; purges leaving no file"
