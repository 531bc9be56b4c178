# Sangam's two entry points (see README.md): `make run` and `make test`.
# Both install what a fresh Debian 12 machine lacks before doing anything else.

SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm

# CI keeps a cargo target cache outside the clone, as CI services do; a machine without
# it builds from scratch, only slower.
ifdef CI
export CARGO_TARGET_DIR ?= $(HOME)/.cache/sangam/target
# A CI build starts from a clean tree each time, so incremental state would only fill the
# cache's disk.
export CARGO_INCREMENTAL ?= 0
endif
TARGET := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)

.PHONY: run display test deps test-deps ui lint unit e2e deb deb-check demo vectors bindings commands

## Install what is missing, build the window and open it on your home
## (~/.local/share/sangam; another with SANGAM_HOME=DIR).
run: display deps ui
	$(CARGO) build --release -p sangam-desktop
	$(TARGET)/release/sangam-desktop

## Install what is missing; then formatting, lints and the whole test suite, the
## window's end-to-end tests included.
test: deps test-deps ui lint unit e2e

# Said before a long build, in one line; the app itself says the same.
display:
	@if [ -z "$${DISPLAY}$${WAYLAND_DISPLAY}" ]; then echo "No display to open the Sangam window on: on a headless laptop run \`sangam serve\` (\`make demo\` walks through a first co-op in the terminal)."; exit 1; fi

deps:
	@bash scripts/deps.sh

test-deps:
	@bash scripts/test-deps.sh

## The window's UI (ui/dist), which the desktop crate builds into its binary. Built only
## when its sources changed: a rebuilt dist, even the same, makes cargo rebuild the
## desktop crate (about 1 min 45 s), so a second `make run` would wait for nothing.
ui: ui/dist/index.html

UI_SOURCES := $(shell find ui/src -type f) ui/index.html ui/package.json \
	ui/package-lock.json ui/tsconfig.json ui/vite.config.ts

ui/dist/index.html: $(UI_SOURCES)
	$(NPM) --prefix ui run build
	@touch $@

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	python3 scripts/module-cycles.py --known scripts/module-cycles.known

unit:
	bash scripts/test.sh

## The real app binary in a WebKit window under Xvfb, driven through tauri-driver, with a
## `sangam` CLI home as the second member; screenshots land in docs/screenshots/.
# The binaries are the ones the workspace's tests build (the same features, so the same
# cached build as `make unit`).
e2e: ui
	$(CARGO) test --workspace --locked --no-run
	SANGAM_APP=$(TARGET)/debug/sangam-desktop SANGAM_CLI=$(TARGET)/debug/sangam \
	  timeout 900 xvfb-run -a -s "-screen 0 1280x800x24" $(NPM) --prefix ui run e2e

## The .deb package (with the Tauri CLI from the npm package @tauri-apps/cli).
deb: deps ui
	ui/node_modules/.bin/tauri build --bundles deb

## Build the .deb, then install and purge it in a throwaway root (`dpkg --root`): its
## desktop entry handles sangam: links, its icons come at every size, nothing is left.
## A release build, so not part of `make test`.
deb-check: deps ui
	bash scripts/deb-check.sh

## The terminal walk-through of a first co-op, for a laptop without a display.
demo: deps
	$(CARGO) build --release -p sangam-cli
	@bash scripts/first-coop.sh

## Rewrite tests/vectors/ after a deliberate change to the record format.
vectors:
	SANGAM_WRITE_VECTORS=1 $(CARGO) test -p sangam-model --test it vectors

## Rewrite ui/src/lib/ipc/bindings/ (the window's TypeScript types) after a DTO change.
bindings:
	SANGAM_WRITE_BINDINGS=1 $(CARGO) test -p sangam-core --test it the_committed_bindings_match_the_types

## Rewrite the files generated from the window's list of commands (src-tauri/src/commands.rs):
## its TypeScript client, its capability and build.rs's names.
commands:
	SANGAM_WRITE_COMMANDS=1 $(CARGO) test -p sangam-desktop --lib the_generated_command_files_match_the_list
