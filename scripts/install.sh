#!/usr/bin/env bash
# make install / make uninstall, and the file layout of the Debian package (debian/rules). Paths inside the units,
# the cron file and the example settings follow PREFIX.
#   install.sh install BINPATH DESTDIR PREFIX SYSCONFDIR UNITDIR SYSUSERSDIR
#   install.sh uninstall - DESTDIR PREFIX SYSCONFDIR UNITDIR SYSUSERSDIR
#
# Installing into the running system (no DESTDIR, as root, SYSCONFDIR=/etc) also creates the parley system user and its home
# /var/lib/parley, and has systemd re-read its units; nothing is enabled or started. Everything install creates,
# files, folders and the user, is listed in PREFIX/share/parley/installed, which uninstall follows: it stops and
# disables the units, then removes exactly that (a folder only when it is empty; settings you created stay).
set -euo pipefail
cd "$(dirname "$0")/.."
action=$1 bin=$2 destdir=$3 prefix=$4 sysconfdir=$5 unitdir=$6 sysusersdir=$7
share="$prefix/share/parley" mandir="$prefix/share/man"
record="$share/installed"
units=(parleyd.service parley-alerts.timer parley-alerts.service)
# zsh finds completions of packages in vendor-completions on Debian, in site-functions under /usr/local.
if [ "$prefix" = /usr ]; then zshdir=$prefix/share/zsh/vendor-completions; else zshdir=$prefix/share/zsh/site-functions; fi

# Every file install writes, as "source target mode".
manifest() {
    echo "$bin/parley $prefix/bin/parley 0755"
    echo "$bin/parleyd $prefix/bin/parleyd 0755"
    for f in sql/migrations/*.sql sql/repeatable/*.sql; do echo "$f $share/$f 0644"; done
    [ -f examples/demo.yaml ] && echo "examples/demo.yaml $share/examples/demo.yaml 0644"
    echo "man/parley.1 $mandir/man1/parley.1 0644"
    echo "man/parleyd.8 $mandir/man8/parleyd.8 0644"
    echo "completions/parley.bash $prefix/share/bash-completion/completions/parley 0644"
    echo "completions/_parley $zshdir/_parley 0644"
    echo "completions/parley.fish $prefix/share/fish/vendor_completions.d/parley.fish 0644"
    for unit in "${units[@]}"; do echo "systemd/$unit $unitdir/$unit 0644"; done
    echo "systemd/parley.sysusers $sysusersdir/parley.conf 0644"
    echo "cron/parley $sysconfdir/cron.d/parley 0644"
    echo "examples/parley.env $sysconfdir/parley/parley.env.example 0644"
}

# The text of a file as installed: the units, the cron file and the example settings name the binaries and the SQL by
# their installed path.
localize() {
    case "$2" in
        *.service|*.timer|*/cron.d/parley|*/parley.env.example)
            sed -e "s#^PATH=/usr/local/bin:/usr/bin:#PATH=/usr/bin:#" -e "s#/usr/local/#$prefix/#g" "$1" \
                | if [ "$prefix" = /usr ]; then cat; else sed "s#^PATH=/usr/bin:#PATH=$prefix/bin:/usr/bin:#"; fi ;;
        *) cat "$1" ;;
    esac
}

# Whether this run installs into the running system (users, systemd) rather than a staging folder or a tree of its
# own: no DESTDIR, as root, with the settings in /etc.
on_this_host() { [ -z "$destdir" ] && [ "$(id -u)" = 0 ] && [ "$sysconfdir" = /etc ]; }
systemd_runs() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }

# Records the folders above $1 that do not exist yet, outermost first, then makes them.
make_parents() {
    local dir=$1 missing=()
    [ -z "$destdir" ] || mkdir -p "$destdir"
    while [ "$dir" != / ] && [ ! -d "$destdir$dir" ]; do missing=("$dir" "${missing[@]}"); dir=$(dirname "$dir"); done
    for dir in "${missing[@]}"; do
        mkdir -m 0755 "$destdir$dir"
        echo "dir $dir" >>"$staging"
    done
}

install_files() {
    staging=$(mktemp)
    trap 'rm -f "$staging"; rm -rf "$generated"' EXIT
    # Completions come from the argument parser itself, like the man page, so they never fall behind the commands.
    generated=$(mktemp -d)
    for shell in bash zsh fish; do
        "$bin/parley" --generate-completion-script "$shell" >"$generated/$shell"
        # bash-completion sources the file: a #! line would only mislead (lintian: bash-completion-with-hashbang).
        [ "$shell" != bash ] || sed -i "1{/^#!/d}" "$generated/$shell"
    done

    if on_this_host && ! getent passwd parley >/dev/null; then
        # The user first: cron skips a file whose user is unknown until the file changes, and the units name it.
        if command -v systemd-sysusers >/dev/null; then
            systemd-sysusers - <systemd/parley.sysusers
        else
            useradd --system --user-group --home-dir /var/lib/parley --no-create-home --shell /usr/sbin/nologin \
                --comment "Parley alert planner and mailer" parley
        fi
        echo "user parley" >>"$staging"
    fi
    if on_this_host && [ ! -d /var/lib/parley ]; then
        # Home and working directory of the cron job; systemd's StateDirectory= makes it only for the units.
        install -d -o parley -g parley -m 0750 /var/lib/parley
        echo "dir /var/lib/parley" >>"$staging"
    fi

    manifest | while read -r source target mode; do
        case "$source" in
            completions/parley.bash) source=$generated/bash ;;
            completions/_parley) source=$generated/zsh ;;
            completions/parley.fish) source=$generated/fish ;;
        esac
        make_parents "$(dirname "$target")"
        if [ "$target" = "$sysconfdir/cron.d/parley" ] && [ -e "$destdir$target" ] \
            && ! localize "$source" "$target" | cmp -s - "$destdir$target"; then
            # Edited by the operator (enabled, MAILTO): a reinstall keeps it.
            echo "install: kept your edited $target (the new version is cron/parley in the checkout)" >&2
        else
            localize "$source" "$target" >"$destdir$target.tmp"
            chmod "$mode" "$destdir$target.tmp"
            mv "$destdir$target.tmp" "$destdir$target"
        fi
        echo "file $target" >>"$staging"
    done
    echo "file $record" >>"$staging"
    # A reinstall adds to what an earlier install recorded: folders and the user it created stay its own.
    if [ -f "$destdir$record" ]; then cat "$destdir$record" >>"$staging"; fi
    awk '!seen[$0]++' "$staging" >"$destdir$record.new" && mv "$destdir$record.new" "$destdir$record"
    chmod 0644 "$destdir$record"
    if on_this_host && systemd_runs; then systemctl daemon-reload; fi
}

uninstall_files() {
    if on_this_host && command -v systemctl >/dev/null; then
        # Stop and disable what runs (the timer and the service it starts, parleyd) before the files go. Without
        # systemd running, disable still removes the links of enabled units.
        if systemd_runs; then
            systemctl disable --now "${units[@]}" 2>/dev/null || true
        else
            systemctl disable "${units[@]}" 2>/dev/null || true
        fi
    fi
    local entries
    if [ -f "$destdir$record" ]; then
        entries=$(cat "$destdir$record")
    else
        # Installed before the record existed: the files of this checkout's manifest.
        entries=$(bin=- manifest | awk '{ print "file " $2 }')
    fi
    echo "$entries" | awk '$1 == "file" { print $2 }' | while read -r target; do rm -f "$destdir$target"; done
    # Migrations of another version than this checkout's are ours too.
    rm -f "$destdir$share/sql/migrations/"*.sql "$destdir$share/sql/repeatable/"*.sql
    # Folders, innermost first, when nothing else is in them now.
    echo "$entries" | awk '$1 == "dir" { print length($2), $2 }' | sort -rn | while read -r _ dir; do
        rmdir "$destdir$dir" 2>/dev/null || true
    done
    if on_this_host && echo "$entries" | grep -qx "user parley" && getent passwd parley >/dev/null; then
        userdel parley
        if getent group parley >/dev/null; then groupdel parley; fi
    fi
    if on_this_host && systemd_runs; then systemctl daemon-reload; fi
}

case "$action" in
install) install_files ;;
uninstall) uninstall_files ;;
*) echo "install.sh: unknown action $action" >&2; exit 2 ;;
esac
