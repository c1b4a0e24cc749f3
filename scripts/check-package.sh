#!/usr/bin/env bash
# CI (as root): Parley installed as an operator installs it, on this machine, then removed without a trace.
#   1. make deb; dpkg -i; the installed parley migrates and reports on a test cluster, the installed parleyd leads;
#      the binaries need nothing from the Swift toolchain; the units are not enabled, the cron job is commented
#      out; a reinstall keeps edited configuration; dpkg --purge leaves the file list as it found it.
#   2. make install; the user exists before the cron file; make uninstall leaves the file list as it found it.
# Run after a release build (make bench): both reuse it. Without systemd as PID 1 the maintainer scripts must cope.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
step() { echo "check-package: $*"; }
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (dpkg -i, useradd)"

tmp=$(mktemp -d /tmp/parley-package.XXXXXX)
chmod 0755 "$tmp"
cleanup() {
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    "$top/scripts/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# Every path on this file system but what changes by itself (caches, logs' contents, dpkg's and apt's own records,
# the checkout, temporary files), with the parley user and group: what installing and purging must leave as found.
snapshot() {
    find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /var/tmp \
        -o -path /var/cache -o -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/log -o -path "$top" \
        -o -path "$HOME" -o -path /work \) -prune -o -print | sort
    getent passwd parley || true
    getent group parley || true
}
same_as_before() {
    snapshot >"$tmp/after"
    diff "$tmp/before" "$tmp/after" >"$tmp/diff" || { head -n 40 "$tmp/diff" >&2; fail "$1 left this behind (< gone, > new)"; }
}

step "make deb"
started=$(date +%s)
deb=$(scripts/deb.sh | tail -n 1)
step "built $(basename "$deb") in $(( $(date +%s) - started )) s; lintian passed"

step "the binaries need libpq5 and the C library, nothing of /opt/swift"
dpkg-deb -x "$deb" "$tmp/unpacked"
for program in parley parleyd; do
    needed=$(objdump -p "$tmp/unpacked/usr/bin/$program" | awk '$1 == "NEEDED" { print $2 }' | sort | tr '\n' ' ')
    [ "$needed" = "ld-linux-x86-64.so.2 libc.so.6 libgcc_s.so.1 libm.so.6 libpq.so.5 libstdc++.so.6 " ] \
        || [ "$(dpkg --print-architecture)" != amd64 ] || fail "$program needs: $needed"
    ! ldd "$tmp/unpacked/usr/bin/$program" | grep -q /opt/swift || fail "$program loads from /opt/swift"
done

snapshot >"$tmp/before"
step "dpkg -i"
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg -i"; }
getent passwd parley >/dev/null || fail "no parley user"
[ "$(stat -c '%U:%G %a' /var/lib/parley)" = "parley:parley 750" ] || fail "/var/lib/parley: $(stat -c '%U:%G %a' /var/lib/parley)"
[ "$(stat -c '%U:%G %a' /etc/parley/parley.env)" = "root:parley 640" ] || fail "/etc/parley/parley.env: $(stat -c '%U:%G %a' /etc/parley/parley.env)"
! grep -Eq '^[^#A-Z]' /etc/cron.d/parley || fail "the cron job is live as installed"
for unit in parleyd.service parley-alerts.timer; do
    [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" = disabled ] || fail "$unit is enabled by the package"
done
for shell in /usr/share/bash-completion/completions/parley /usr/share/zsh/vendor-completions/_parley \
    /usr/share/fish/vendor_completions.d/parley.fish /usr/share/man/man1/parley.1.gz /usr/share/man/man8/parleyd.8.gz; do
    [ -s "$shell" ] || fail "missing $shell"
done
env -i PATH=/usr/bin:/bin /usr/bin/parley --version | grep -qx "0.1.0\|$(dpkg-deb -f "$deb" Version)" || fail "parley --version"

step "the installed parley migrates a test cluster and reports on it; the installed parleyd leads"
scripts/cluster.sh start "$tmp/pg" --throwaway
eval "$(scripts/cluster.sh env "$tmp/pg")"
createdb -h "$PGHOST" -U postgres parley
url="host=$PGHOST user=postgres dbname=parley"
# As an operator runs them: no PARLEY_SQL_DIR (the package's SQL in /usr/share/parley/sql), the settings file.
run() { env -i PATH=/usr/bin:/bin "$@"; }
run PARLEY_DATABASE_URL="$url" /usr/bin/parley migrate | grep -q "applied 000001_foundation.sql" || fail "parley migrate"
status=0; run PARLEY_DATABASE_URL="$url" /usr/bin/parley status >"$tmp/status" || status=$?
[ "$status" = 1 ] && grep -q "up to date" "$tmp/status" && grep -q "no parleyd instance is running" "$tmp/status" \
    || { cat "$tmp/status" >&2; fail "parley status said $status"; }
# parleyd and status with the database named only in the settings file, edited as an operator would.
sed -i "s#^PARLEY_DATABASE_URL=.*#PARLEY_DATABASE_URL=\"$url\"#" /etc/parley/parley.env
# env execs parleyd: $! is parleyd's own process id.
env -i PATH=/usr/bin:/bin /usr/bin/parleyd 2>"$tmp/parleyd.log" &
daemon=$!
for _ in $(seq 1 100); do grep -q leading "$tmp/parleyd.log" && break; sleep 0.1; done
grep -q leading "$tmp/parleyd.log" || { cat "$tmp/parleyd.log" >&2; fail "the installed parleyd did not lead"; }
check=$(run /usr/bin/parley status --check) || fail "parley status --check: $check"
case "$check" in "PARLEY OK - parleyd leads on "*) ;; *) fail "parley status --check: $check" ;; esac
kill "$daemon"; wait "$daemon" || fail "parleyd did not stop cleanly"; daemon=
step "status --check: $check"

step "a reinstall keeps edited configuration; enabled units are forgotten on purge"
sed -i 's|^#\*/5|*/5|; s|^MAILTO=root|MAILTO=ops@mfa.example|' /etc/cron.d/parley
cp /etc/cron.d/parley "$tmp/cron.edited"; cp /etc/parley/parley.env "$tmp/env.edited"
systemctl enable parley-alerts.timer parleyd.service >/dev/null 2>&1 || fail "systemctl enable"
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg -i (again)"; }
cmp -s /etc/cron.d/parley "$tmp/cron.edited" || fail "the reinstall replaced the edited cron file"
cmp -s /etc/parley/parley.env "$tmp/env.edited" || fail "the reinstall replaced the edited settings"
[ "$(stat -c '%U:%G %a' /etc/parley/parley.env)" = "root:parley 640" ] || fail "the reinstall changed the settings file's mode"

step "dpkg --remove keeps the settings; dpkg --purge leaves nothing"
dpkg --remove parley >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg --remove"; }
[ ! -e /usr/bin/parley ] && [ -f /etc/parley/parley.env ] || fail "dpkg --remove"
dpkg --purge parley >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg --purge"; }
same_as_before "dpkg --purge"

step "make install: the parley user before the cron file; make uninstall leaves nothing"
make -s install >"$tmp/install.log" 2>&1 || { tail -n 20 "$tmp/install.log" >&2; fail "make install"; }
getent passwd parley >/dev/null || fail "make install made no parley user"
! grep -Eq '^[^#A-Z]' /etc/cron.d/parley || fail "make install left the cron job live"
[ -x /usr/local/bin/parley ] && [ -s /usr/local/share/bash-completion/completions/parley ] || fail "make install"
make -s uninstall >"$tmp/install.log" 2>&1 || { tail -n 20 "$tmp/install.log" >&2; fail "make uninstall"; }
same_as_before "make uninstall"
step "all checks passed"
