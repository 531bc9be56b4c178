# Sangam's two entry points (see README.md): `make run` and `make test`.
# Both install what a fresh Debian 12 machine lacks before doing anything else.

SHELL := /bin/bash
CARGO ?= cargo

# CI keeps a cargo target cache outside the clone, as CI services do; a machine without
# it builds from scratch, only slower.
ifdef CI
export CARGO_TARGET_DIR ?= $(HOME)/.cache/sangam/target
endif

.PHONY: run test deps build lint unit vectors bindings

## Install what is missing, build, and walk through a first co-op.
run: deps
	$(CARGO) build --release -p sangam-cli
	@bash scripts/first-coop.sh

## Install what is missing; then formatting, lints and the whole test suite.
test: deps lint unit

deps:
	@bash scripts/deps.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	bash scripts/test.sh

## Rewrite tests/vectors/ after a deliberate change to the record format.
vectors:
	SANGAM_WRITE_VECTORS=1 $(CARGO) test -p sangam-model --test it vectors

## Rewrite ui/src/lib/ipc/bindings/ (the desktop's TypeScript types) after a DTO change.
bindings:
	SANGAM_WRITE_BINDINGS=1 $(CARGO) test -p sangam-core --test it the_committed_bindings_match_the_types
