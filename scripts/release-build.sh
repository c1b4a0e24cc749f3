#!/usr/bin/env bash
# The release build that make release, make install, make bench and make deb share: one set of flags, so that each
# reuses the others' work (SwiftPM recompiles everything when the flags change).
#   scripts/release-build.sh [swift build arguments…]     e.g. --product parley, or --show-bin-path
# --static-swift-stdlib: the programs carry the Swift runtime, so a host needs libpq5 and the C library, not the
#   Swift toolchain.
# -z now: every symbol is resolved at start, so that the GOT can be read-only (full RELRO).
exec swift build -c release --static-swift-stdlib -Xlinker -z -Xlinker now "$@"
