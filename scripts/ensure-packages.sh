#!/usr/bin/env bash
# Makes sure the Debian packages Parley needs are installed: as root it installs what is missing with apt-get;
# otherwise it prints the exact command to run and fails.
#   scripts/ensure-packages.sh run    PostgreSQL server and client library (make run)
#   scripts/ensure-packages.sh test   the above plus pgTAP, pg_prove, mandoc (the man pages' lint), Chromium and
#                                     poppler (the brief and digest tests render in a real browser and read the PDF
#                                     back), and Python's icalendar and html5lib parsers (make test)
#   scripts/ensure-packages.sh build  the client library's headers and pkg-config (make install)
#   scripts/ensure-packages.sh deb    the above and Debian's packaging tools (make deb)
set -euo pipefail
purpose=${1:-run}

have_server() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
pg_major() {
    local v
    v=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sed -E 's#.*/postgresql/([0-9]+)/.*#\1#' | sort -n | tail -1)
    echo "${v:-15}"
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
case "$purpose" in build|deb) ;; *) have_server || missing+=(postgresql) ;; esac
[ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
if [ "$purpose" = test ]; then
    major=$(pg_major)
    [ -f "/usr/share/postgresql/$major/extension/pgtap.control" ] || missing+=("postgresql-$major-pgtap")
    command -v pg_prove >/dev/null 2>&1 || missing+=(libtap-parser-sourcehandler-pgtap-perl)
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    command -v mandoc >/dev/null 2>&1 || missing+=(mandoc)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fi
if [ "$purpose" = deb ]; then
    for package in build-essential dpkg-dev debhelper lintian; do installed "$package" || missing+=("$package"); done
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "Parley needs these packages: ${missing[*]}" >&2
        echo "Install them as root with:  apt-get install -y --no-upgrade ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Install first; refresh the package lists only when the install fails on stale lists.
    # --no-upgrade: an upgrade of a running PostgreSQL restarts its clusters under whoever is using them.
    if ! apt-get install -y -q --no-upgrade "${missing[@]}" >/tmp/parley-apt.log 2>&1; then
        apt-get update -q >>/tmp/parley-apt.log 2>&1
        apt-get install -y -q --no-upgrade "${missing[@]}" >>/tmp/parley-apt.log 2>&1 \
            || { tail -n 20 /tmp/parley-apt.log >&2; echo "apt-get install ${missing[*]} failed" >&2; exit 1; }
    fi
fi

# Real parsers for what Parley writes: Python's icalendar (calendars) and html5lib (briefs and digests, strictly).
if [ "$purpose" = test ]; then
    for module in icalendar html5lib; do
        python3 -c "import $module" 2>/dev/null && continue
        if ! pip3 install -q "$module" >/tmp/parley-pip.log 2>&1 && ! pip install -q "$module" >>/tmp/parley-pip.log 2>&1; then
            tail -n 5 /tmp/parley-pip.log >&2
            echo "Python's $module package is missing; install it with: pip3 install $module" >&2
            exit 1
        fi
    done
fi
