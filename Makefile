# Parley. The two commands a newcomer needs are `make run` and `make test`; see README.md.
#
# Install layout (make install PREFIX=/usr/local DESTDIR=):
#   $(PREFIX)/bin/{parley,parleyd}                 release binaries
#   $(PREFIX)/share/parley/sql/                    migrations (found by the binaries as ../share/parley/sql)
#   $(PREFIX)/share/parley/examples/demo.yaml      the demo scenario
#   $(PREFIX)/share/man/man1/parley.1, man8/parleyd.8
#   $(UNITDIR)/parleyd.service, parley-alerts.{service,timer}
#   $(SYSUSERSDIR)/parley.conf                     the `parley` system user
#   $(SYSCONFDIR)/cron.d/parley                    the cron alternative to the timer (disabled until edited)
#   $(SYSCONFDIR)/parley/parley.env.example        every setting, documented

PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
# release for installs; the install test uses debug to save a second build.
CONFIGURATION ?= release
SIZE ?= S

BINDIR = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/parley
MANDIR = $(PREFIX)/share/man

.PHONY: run test psql stop build release install uninstall man schema bench drills clean

## make run: build, start a private PostgreSQL under .parley/ (unless PARLEY_DATABASE_URL is set), migrate,
## load the demo scenario once, and run parleyd in the foreground.
run:
	@scripts/run.sh

## make test: every test (Swift and SQL) against a throwaway cluster; non-zero exit when anything failed.
test:
	@scripts/test.sh $(ARGS)

## make psql: psql on the database of `make run` (or on PARLEY_DATABASE_URL when set).
psql:
	@if [ -n "$$PARLEY_DATABASE_URL" ]; then exec psql -X "$$PARLEY_DATABASE_URL"; fi; \
	 eval "$$(scripts/cluster.sh env .parley)" && exec psql -X -d parley

## make stop: stop the PostgreSQL of `make run` (its data stays in .parley/).
stop:
	@scripts/cluster.sh stop .parley

build:
	swift build

release:
	swift build -c release

## make install: binaries, SQL, units, sysusers snippet, cron file, example settings, man pages.
install:
	swift build -c $(CONFIGURATION) --product parley
	swift build -c $(CONFIGURATION) --product parleyd
	scripts/install.sh install "$$(swift build -c $(CONFIGURATION) --show-bin-path)" \
		"$(DESTDIR)" "$(PREFIX)" "$(SYSCONFDIR)" "$(UNITDIR)" "$(SYSUSERSDIR)"

## make uninstall: removes exactly what make install wrote (settings you created stay).
uninstall:
	scripts/install.sh uninstall - "$(DESTDIR)" "$(PREFIX)" "$(SYSCONFDIR)" "$(UNITDIR)" "$(SYSUSERSDIR)"

## make man: regenerate man/parley.1 from the command's own help (swift-argument-parser's generate-manual);
## commit the result. parleyd(8) is written by hand.
man:
	rm -rf .build/plugins/GenerateManual/outputs
	mkdir -p .build/man
	swift package --allow-writing-to-package-directory generate-manual --output-directory .build/man \
		--section 1 --authors "The Parley team"
	cp .build/man/parley.1 man/parley.1

## make schema: rewrite Tests/schema.sql, the schema a migrated database has (commit it with the change to sql/).
schema:
	@scripts/schema-dump.sh --write

## make bench SIZE=S|M|L: the benchmark of BENCHMARKS.md on a fresh database.
bench:
	@scripts/bench.sh $(SIZE)

## make drills: the reliability drills of RELIABILITY.md.
drills:
	@scripts/drills.sh $(DRILLS)

clean:
	swift package clean
