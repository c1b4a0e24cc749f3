#!/usr/bin/env bash
# make install / make uninstall. Paths inside the units and the cron file follow PREFIX.
#   install.sh install BINPATH DESTDIR PREFIX SYSCONFDIR UNITDIR SYSUSERSDIR
#   install.sh uninstall - DESTDIR PREFIX SYSCONFDIR UNITDIR SYSUSERSDIR
set -euo pipefail
cd "$(dirname "$0")/.."
action=$1 bin=$2 destdir=$3 prefix=$4 sysconfdir=$5 unitdir=$6 sysusersdir=$7
share="$prefix/share/parley" mandir="$prefix/share/man"

# Every file install writes, as "source target mode"; uninstall removes the targets.
manifest() {
    echo "$bin/parley $prefix/bin/parley 0755"
    echo "$bin/parleyd $prefix/bin/parleyd 0755"
    for f in sql/migrations/*.sql sql/repeatable/*.sql; do echo "$f $share/$f 0644"; done
    [ -f examples/demo.yaml ] && echo "examples/demo.yaml $share/examples/demo.yaml 0644"
    echo "man/parley.1 $mandir/man1/parley.1 0644"
    echo "man/parleyd.8 $mandir/man8/parleyd.8 0644"
    for unit in parleyd.service parley-alerts.service parley-alerts.timer; do
        [ -f "systemd/$unit" ] && echo "systemd/$unit $unitdir/$unit 0644"
    done
    echo "systemd/parley.sysusers $sysusersdir/parley.conf 0644"
    [ -f cron/parley ] && echo "cron/parley $sysconfdir/cron.d/parley 0644"
    echo "examples/parley.env $sysconfdir/parley/parley.env.example 0644"
}

case "$action" in
install)
    manifest | while read -r source target mode; do
        install -D -m "$mode" "$source" "$destdir$target"
        case "$target" in
            *.service|*.timer|*/cron.d/parley)
                # The units and the cron file name the binaries by their installed path.
                sed -i "s#/usr/local/bin/#$prefix/bin/#g" "$destdir$target" ;;
        esac
    done
    ;;
uninstall)
    bin=- manifest | while read -r _ target _; do
        rm -f "$destdir$target"
    done
    # Migrations of another version than this checkout's are ours too.
    rm -f "$destdir$share/sql/migrations/"*.sql "$destdir$share/sql/repeatable/"*.sql
    # Remove the folders install created when they are empty now.
    for dir in "$share/sql/migrations" "$share/sql/repeatable" "$share/sql" "$share/examples" "$share" "$sysconfdir/parley"; do
        rmdir "$destdir$dir" 2>/dev/null || true
    done
    ;;
*) echo "install.sh: unknown action $action" >&2; exit 2 ;;
esac
