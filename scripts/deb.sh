#!/usr/bin/env bash
# make deb: builds dist/parley_<version>_<arch>.deb from this checkout with Debian's own tools (dpkg-buildpackage
# and debhelper; see debian/rules) and checks it with lintian.
#
# The binaries are a release build linked with the Swift runtime (--static-swift-stdlib): the target host needs
# libpq5 and what the package's Depends: names, no Swift toolchain. The build reuses .build/release (a release build
# made for the benchmark is relinked, not recompiled) and fetches nothing: Swift's packages come from where
# `swift build` already finds them.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "make deb: $*" >&2; exit 1; }

scripts/ensure-packages.sh deb
command -v swift >/dev/null || die "swift is not on PATH: install the Swift 6 toolchain from swift.org (README, Deploying)"
version=$(dpkg-parsechangelog -S Version)
code=$(sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/Parley/Version.swift)
[ "$version" = "$code" ] \
    || die "debian/changelog says $version, Sources/Parley/Version.swift says $code: add a changelog entry (dch -v $code)"
arch=$(dpkg --print-architecture)
out=$(pwd)/dist
mkdir -p "$out"
rm -f "$out/parley_${version}_$arch".*

# The .deb, .buildinfo and .changes go to dist/, not to the checkout's parent folder (dpkg-buildpackage's default).
DEB_OUTPUT_DIR="$out" dpkg-buildpackage --build=binary --no-sign \
    --buildinfo-file="$out/parley_${version}_$arch.buildinfo" --buildinfo-option="-u$out" \
    --changes-file="$out/parley_${version}_$arch.changes" --changes-option="-u$out" \
    >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; die "dpkg-buildpackage failed (log: dist/build.log)"; }

deb="$out/parley_${version}_$arch.deb"
[ -f "$deb" ] || die "dpkg-buildpackage made no $deb"
# Warnings fail too; what lintian may not like on purpose is in debian/parley.lintian-overrides, each with a reason.
lintian --fail-on error,warning --display-info --allow-root "$deb"
echo "$deb"
