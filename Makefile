# Casekeeper build. Plain make + pkg-config; see README.md.
#   make          release binary build/casekeeper (hardened)
#   make run      install dependencies, build, start the demo on 127.0.0.1:8080 (and
#                 the fake GOV.UK Notify on 127.0.0.1:8089 for its reminders)
#   make test     install dependencies, build with ASan/UBSan, run every test
#   make fuzz     longer fuzzing runs (libFuzzer, clang)
#   make bench    benchmarks (figures, never asserted)
#   make mutate   the mutation check (tests/mutants.txt; slow, not part of make test)

CC      ?= gcc
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium libcurl libical
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

SRC_DIRS := src/base src/core src/bundle src/db src/store src/services src/http src/web src/gen src/cli
INCLUDES := $(addprefix -I,$(SRC_DIRS)) -Ibuild/gen
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP
HARDEN   := -O2 -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE -fstack-clash-protection -fcf-protection
HARDEN_LD := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
SAN      := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

LIB_SRC  := $(filter-out src/cli/main.c,$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
GEN_SRC  := build/gen/ck_embedded.c
EMBED    := data/bank-holidays.json config/rules.conf data/contact-types.csv docs/openapi.json \
            $(sort $(wildcard src/db/migrations/*.sql))
TEST_SRC := $(wildcard tests/test_*.c)

REL_OBJ  := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) $(GEN_SRC))
DBG_OBJ  := $(patsubst %.c,build/dbg/%.o,$(LIB_SRC) $(GEN_SRC))
TEST_BIN := $(patsubst tests/%.c,build/dbg/tests/%,$(TEST_SRC))

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

.PHONY: all deps run test test-build fuzz bench mutate clean demo-data check-layers
all: build/casekeeper

build/gen/ck_embedded.c: $(EMBED) scripts/embed.sh Makefile
	@mkdir -p $(@D)
	sh scripts/embed.sh $@ $(EMBED)

# `make V=1` prints whole command lines.
V ?= 0
ifeq ($(V),0)
Q := @
endif

build/rel/%.o: %.c | build/gen/ck_embedded.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(HARDEN) -DCK_VERSION='"$(VERSION)"' -c $< -o $@

build/dbg/%.o: %.c | build/gen/ck_embedded.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC-SAN  $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -DCK_VERSION='"$(VERSION)"' -c $< -o $@

build/rel/libck.a: $(REL_OBJ)
	$(Q)ar rcs $@ $^
build/dbg/libck.a: $(DBG_OBJ)
	$(Q)ar rcs $@ $^

build/casekeeper: build/rel/src/cli/main.o build/rel/libck.a
	$(CC) $(HARDEN) $(HARDEN_LD) -o $@ $^ $(PKG_LIBS)

build/dbg/casekeeper: build/dbg/src/cli/main.o build/dbg/libck.a
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

build/dbg/tests/%: tests/%.c tests/ck_test.h build/dbg/libck.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(SAN) -Itests -o $@ $< build/dbg/libck.a $(PKG_LIBS) $(TEST_LIBS)

# The fake GOV.UK Notify (tests/fake_notify.c): the reminder tests' and the
# demo's stand-in for Notify, on its own (it links nothing of casekeeper).
build/fake-notify: tests/fake_notify.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=c17 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) -O1 -g -o $@ $< $(PKG_LIBS)

deps:
	sh scripts/setup.sh

# libFuzzer targets (tests/fuzz/fuzz_*.c), one per parser of untrusted
# input, built with clang: the library instrumented for coverage
# (fuzzer-no-link) under ASan and UBSan. `make test` runs each for
# FUZZ_SECONDS (20) through tests/suites/fuzz.sh; `make fuzz` for 10 minutes.
# -Werror stays with gcc's builds: clang's warnings differ by version.
FUZZ_CC    := clang
FUZZ_FLAGS := $(filter-out -Werror,$(BASE_CFLAGS)) -O1 -g -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_OBJ   := $(patsubst %.c,build/fuzz/%.o,$(LIB_SRC) $(GEN_SRC))
FUZZ_BIN   := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))

build/fuzz/%.o: %.c | build/gen/ck_embedded.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC-FUZZ $<")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -DCK_VERSION='"$(VERSION)"' -c $< -o $@
build/fuzz/libck.a: $(FUZZ_OBJ)
	$(Q)ar rcs $@ $^
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libck.a
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libck.a $(PKG_LIBS)

test-build: build/dbg/casekeeper build/casekeeper build/fake-notify $(TEST_BIN) $(FUZZ_BIN)

# The layers, lowest first: each folder of src/ and the folders it may
# include (its own and those below it). `make check-layers` compiles every
# file of a folder with only those include paths, so a wrong include fails
# the build by name; `make test` runs it first.
LAYERS := base:base core:base,core bundle:base,core,bundle db:base,db store:base,core,db,store \
          services:base,core,db,store,services gen:base,core,bundle,db,store,services,gen \
          http:base,core,bundle,db,store,services,http web:base,core,bundle,db,store,services,http,web \
          cli:base,core,bundle,db,store,services,gen,http,web,cli

check-layers: build/gen/ck_embedded.c
	sh scripts/check-layers.sh "$(CC)" "$(PKG_CFLAGS) $(WARN)" $(LAYERS)

# `make test` installs what it needs, builds, and runs every test; the last
# line it prints is "N passed, N failed".
test: deps
	$(MAKE) check-layers
	$(MAKE) test-build
	bash scripts/run-tests.sh

run: deps
	$(MAKE) build/casekeeper build/fake-notify
	sh scripts/demo-notify.sh

fuzz: deps
	$(MAKE) $(FUZZ_BIN)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} bash tests/suites/fuzz.sh

bench: build/casekeeper
	bash bench/run.sh

# The mutation check (scripts/mutate.sh): each mutant of tests/mutants.txt is
# compiled from a copy under build/mut with the test build's flags and linked
# before build/dbg/libck.a, so the tree and build/dbg are never changed.
mutate: build/dbg/libck.a
	MUT_CC='$(CC)' MUT_CFLAGS='$(filter-out -MMD -MP,$(BASE_CFLAGS)) $(SAN)' \
	MUT_LIBS='$(PKG_LIBS) $(TEST_LIBS)' bash scripts/mutate.sh

clean:
	rm -rf build test-output

-include $(shell find build -name '*.d' 2>/dev/null)
