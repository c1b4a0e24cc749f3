# Parley: the two commands a newcomer needs are `make run` and `make test`.
PREFIX ?= /usr/local
DESTDIR ?=
SIZE ?= S

.PHONY: run test psql stop build release clean

## make run: build, start a private PostgreSQL under .parley/ (unless PARLEY_DATABASE_URL is set), migrate,
## load the demo scenario once, and run parleyd in the foreground.
run:
	@scripts/run.sh

## make test: every test (Swift and SQL) against a throwaway cluster; non-zero exit when anything failed.
test:
	@scripts/test.sh $(ARGS)

## make psql: psql on the database of `make run`.
psql:
	@eval "$$(scripts/cluster.sh env .parley)" && exec psql -X -d parley

## make stop: stop the PostgreSQL of `make run` (its data stays in .parley/).
stop:
	@scripts/cluster.sh stop .parley

build:
	swift build

release:
	swift build -c release

clean:
	swift package clean
