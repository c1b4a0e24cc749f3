#!/usr/bin/env bash
# `make drills`: the reliability drills of RELIABILITY.md, against PostgreSQL clusters of their own.
#
#   scripts/drills.sh [--short] [--keep] [DRILL…]
#
# DRILL: crash-loop (1), outage (2), overlap (3), long-transaction (4), failover (5), lease (6), standby (7); default
# all, in that order.
# --short  the CI version: fewer kills, shorter outages and overlaps, fewer changes awaited on the standby (about 3
#          minutes in all).
# --keep   keep the scratch directory (logs, mail log, kill log) for a look afterwards.
# Each drill prints its figures; the run ends with a summary, and exits non-zero when a guarantee was broken.
# PARLEY_SCRATCH_PATH: the build folder (as for make test). As root, the clusters run as the `postgres` user.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

short=0
keep=0
drills=()
for argument in "$@"; do
    case $argument in
    --short) short=1 ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    1|crash-loop) drills+=(1-crash-loop) ;;
    2|outage) drills+=(2-outage) ;;
    3|overlap) drills+=(3-overlap) ;;
    4|long-transaction) drills+=(4-long-transaction) ;;
    5|failover) drills+=(5-failover) ;;
    6|lease) drills+=(6-lease) ;;
    7|standby) drills+=(7-standby) ;;
    *) echo "drills: unknown drill '$argument' (crash-loop, outage, overlap, long-transaction, failover, lease, standby)" >&2; exit 64 ;;
    esac
done
[ ${#drills[@]} -gt 0 ] || drills=(1-crash-loop 2-outage 3-overlap 4-long-transaction 5-failover 6-lease 7-standby)

scripts/ensure-packages.sh test || exit 1
scratch=()
[ -n "${PARLEY_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$PARLEY_SCRATCH_PATH")
swift build "${scratch[@]}" --product parley >/dev/null || { echo "drills: the build failed" >&2; exit 1; }
swift build "${scratch[@]}" --product parleyd >/dev/null || { echo "drills: the build failed" >&2; exit 1; }
export DRILL_BIN
DRILL_BIN=$(swift build "${scratch[@]}" --show-bin-path)

work=$(mktemp -d /tmp/parley-drills.XXXXXX)
chmod 0755 "$work"
# The migrations as they are now: the drills run for minutes, and a file edited meanwhile would make parleyd refuse
# the database (an applied migration changed) halfway through.
cp -r sql "$work/sql"
export PARLEY_SQL_DIR="$work/sql"
# The programs read /etc/parley/parley.env by default: a Parley installed on this host must not steer the drills.
export PARLEY_ENV_FILE=
export DRILL_SHORT=$short DRILL_FIGURES="$work/figures"
: > "$DRILL_FIGURES"
# Each drill runs in a process group of its own: whatever it leaves behind (a daemon its supervisor restarted while
# it was being stopped) is stopped with the group, by the group's id.
drill_group=""
stop_group() {
    if [ -n "$drill_group" ]; then
        kill -TERM -- "-$drill_group" 2>/dev/null
        sleep 0.5
        kill -KILL -- "-$drill_group" 2>/dev/null
        drill_group=""
    fi
}
cleanup() {
    stop_group
    if [ "$keep" = 1 ]; then echo "drills: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$EPOCHREALTIME
failed=()
for drill in "${drills[@]}"; do
    mkdir -p "$work/$drill"
    chmod 0755 "$work/$drill"
    echo "== drill $drill$([ "$short" = 1 ] && echo ' (short)')"
    drill_started=$EPOCHREALTIME
    DRILL_WORK="$work/$drill" setsid bash "scripts/drills/$drill.sh" &
    drill_group=$!
    if wait "$drill_group"; then
        result=passed
    else
        result=FAILED
        failed+=("$drill")
    fi
    stop_group
    echo "== drill $drill: $result in $(awk -v a="$drill_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
    echo
done

echo "== summary ($(date -u +'%Y-%m-%d %H:%M UTC'), $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s)"
awk -F'|' '{ printf "  %-16s %-58s  %s\n", $1, $2, $3 }' "$DRILL_FIGURES"
if [ ${#failed[@]} -gt 0 ]; then
    echo "drills: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "drills: all passed"
