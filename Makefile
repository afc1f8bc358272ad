# icmplab build. `make` builds everything (installing missing Debian packages
# through scripts/install-deps), `make run` runs the suite, `make test` runs
# every test, `make bench` measures. With sanitizers, in a build directory of
# their own: make B=build-san SANITIZE=address,undefined test

CC      ?= cc
CFLAGS  ?= -O2 -g
B       := build
PKGS    := libpcap libnl-3.0 libnl-route-3.0 libnftables jansson

WARN := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla \
	-Wformat=2
ifdef CI
WARN += -Werror
endif
ifdef SANITIZE
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Recursive (=) so that pkg-config is asked only after install-deps ran.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
# The probe binaries use only lib/ (whose event encoding is jansson's):
# every library more is one more the dynamic loader maps at each of the
# thousands of probe starts of a run, whether or not the linker would
# have dropped it (--as-needed is not every toolchain's default).
PROBE_LIBS = $(shell pkg-config --libs jansson)
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE -Ilib -Iharness $(PKG_CFLAGS) $(CFLAGS) -MMD -MP \
	-DICMPLAB_BIN='"$(B)/icmplab"' -DICMPLAB_PROBE_DIR='"$(B)/probes"'

LIB_SRC     := $(wildcard lib/*.c)
HARNESS_SRC := $(filter-out harness/main.c,$(wildcard harness/*.c))
PROBE_SRC   := $(filter-out probes/probe.c,$(wildcard probes/*.c))
TEST_SRC    := $(wildcard tests/test_*.c)
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)

LIB     := $(B)/libicmplab.a
HLIB    := $(B)/libharness.a
PROBES  := $(patsubst probes/%.c,$(B)/probes/icmplab-probe-%,$(PROBE_SRC))
TESTS   := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))
# Tests that run the real suite in namespaces; the rest are unit tests.
ITESTS  := $(B)/tests/test_integration $(B)/tests/test_kill $(B)/tests/test_ci \
	$(B)/tests/test_install $(B)/tests/test_terminal $(B)/tests/test_rootless \
	$(B)/tests/test_try \
	$(B)/tests/test_report_html \
	$(B)/tests/test_kselftest
UTESTS  := $(filter-out $(ITESTS),$(TESTS))
FUZZERS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
BIN     := $(B)/icmplab

.PHONY: all deps run test unit integration fuzz fuzz-smoke bench clean format \
	install uninstall kernels kselftest-install
# Keep the objects make would see as intermediate: no rebuilds, and no
# "rm ..." line after the test tally.
.SECONDARY:
all: $(BIN) $(PROBES) $(B)/kernel-init

DEPS_OK := $(B)/.deps-ok
$(DEPS_OK): scripts/install-deps
	@mkdir -p $(B)
	./scripts/install-deps
	@touch $@
deps: $(DEPS_OK)

# What only the tests need (a browser for the HTML report's test).
TEST_DEPS_OK := $(B)/.test-deps-ok
$(TEST_DEPS_OK): scripts/install-deps
	@mkdir -p $(B)
	./scripts/install-deps --test
	@touch $@

$(B)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(patsubst %.c,$(B)/%.o,$(LIB_SRC))
	$(AR) rcs $@ $^
$(HLIB): $(patsubst %.c,$(B)/%.o,$(HARNESS_SRC))
	$(AR) rcs $@ $^

$(BIN): $(B)/harness/main.o $(HLIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/probes/icmplab-probe-%: $(B)/probes/%.o $(B)/probes/probe.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(PROBE_LIBS)

$(B)/tests/test_%: $(B)/tests/test_%.o $(B)/tests/runner.a $(HLIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# It runs every probe binary's --list.
$(B)/tests/test_probetab: | $(PROBES)

$(B)/tests/runner.a: $(B)/tests/runner.o $(B)/tests/fixtures.o $(B)/tests/docload.o \
	$(B)/tests/ktapcheck.o
	$(AR) rcs $@ $^

# Fuzz targets: with plain gcc they link against a replay-and-mutate driver
# (tests/fuzz/driver.c) so that `make test` exercises them; `make fuzz
# FUZZCC=clang` builds real libFuzzer binaries with ASan and UBSan: a make
# of its own (LIBFUZZER=1) in $(FUZZ_B), where every object, the libraries'
# too, is built by $(FUZZCC) with the sanitizers and libFuzzer's coverage,
# and libFuzzer supplies main(). Each then runs FUZZRUNS inputs from its
# corpus; new inputs go to a scratch directory, never the committed one.
FUZZ_B   ?= build-fuzz
FUZZRUNS ?= 20000
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ifdef LIBFUZZER
CFLAGS  += $(FUZZ_SAN) -fsanitize=fuzzer-no-link
LDFLAGS += $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_DRIVER :=
else
FUZZ_DRIVER := $(B)/tests/fuzz/driver.o
endif
$(B)/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(FUZZ_DRIVER) $(HLIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The /init of the initramfs scripts/kernel-matrix boots guest kernels with:
# static, as the initramfs holds no libraries; no sanitizers.
$(B)/kernel-init: scripts/kernel-init.c
	@mkdir -p $(B)
	$(CC) $(WARN) -D_GNU_SOURCE -Os -static -o $@ $<

unit: $(UTESTS)
	@scripts/run-tests $(UTESTS)

ifdef LIBFUZZER
fuzz: $(FUZZERS)
	@set -e; for f in $(FUZZERS); do n=$${f##*/fuzz_}; \
	  echo "== $$f (libFuzzer, ASan+UBSan)"; \
	  mkdir -p $(B)/fuzz/new-$$n; \
	  $$f -runs=$(FUZZRUNS) $(B)/fuzz/new-$$n tests/fuzz/corpus/$$n; done
else ifdef FUZZCC
fuzz:
	$(MAKE) B=$(FUZZ_B) CC=$(FUZZCC) LIBFUZZER=1 fuzz
else
fuzz: $(FUZZERS)
	@set -e; for f in $(FUZZERS); do n=$${f##*/fuzz_}; \
	  echo "== $$f"; $$f tests/fuzz/corpus/$$n $(FUZZRUNS); done
endif

# Every committed corpus input once, no mutation: a quick check that no
# input ever found crashes again (make test runs it, then `fuzz`).
ifdef FUZZCC
fuzz-smoke:
	$(MAKE) B=$(FUZZ_B) CC=$(FUZZCC) LIBFUZZER=1 FUZZRUNS=0 fuzz
else
fuzz-smoke: $(FUZZERS)
	@set -e; for f in $(FUZZERS); do n=$${f##*/fuzz_}; \
	  echo "== $$f (corpus replay)"; $$f tests/fuzz/corpus/$$n 0; done
endif

integration: all $(TEST_DEPS_OK) $(ITESTS)
	@scripts/run-tests $(ITESTS)

# One tally for everything: the fuzz replays first, then every cmocka program;
# then tests/kernels.sh, the quick kernel matrix on Debian's 6.1 kernel
# (skipped, saying why, where qemu is not installed).
test: all $(TEST_DEPS_OK) $(UTESTS) $(ITESTS) fuzz-smoke fuzz
	@scripts/run-tests $(UTESTS) $(ITESTS)
	@B=$(B) tests/kernels.sh

JOBS ?= $(shell nproc 2>/dev/null || echo 1)
run: all
	$(BIN) run -j $(JOBS) --out results/latest

# The suite on other kernels under qemu (docs/kernels.md): KERNELS is
# scripts/kernel-matrix's --kernels list, KMATRIX its other arguments (e.g.
# --quick, or -- CASE ...). Needs scripts/install-deps --kernels.
kernels: all
	B=$(B) scripts/kernel-matrix $(if $(KERNELS),--kernels $(KERNELS)) $(KMATRIX)

# A kselftest collection in DESTDIR (docs/kernels.md).
kselftest-install: all
	@test -n "$(DESTDIR)" || { echo "usage: make kselftest-install DESTDIR=DIR" >&2; exit 2; }
	B=$(B) scripts/kselftest-install "$(DESTDIR)"

UDP5 := --probe udp-unconnected --probe udp-connected --probe udp-so-error \
	--probe udp-recverr --probe udp-recverr-connected

# The parts, one per target of issue 12: the core story (15 cells), the
# catalogue with the five UDP probes (both families), the whole matrix (and
# -j 1 for the scaling), the IPv4 matrix; then 50 runs of the core and of
# the catalogue, also under load, for identical cells (the catalogue's
# within BENCH_BUDGET_S seconds, half unloaded and half loaded: enough for
# 50 + 50 on this machine; bench prints how many ran); then the
# targets next to what the parts measured. A part whose runs gave
# different cells (exit 1) does not stop the others; --targets exits 1.
BENCH_REC      = $(B)/bench-record.txt
BENCH_BUDGET_S ?= 300
BENCH_GO_ON    = || [ $$? -eq 1 ]
bench: all $(B)/bench
	@rm -f $(BENCH_REC)
	$(B)/bench --record $(BENCH_REC) --as core \
		--label "core: 3 faults x 5 UDP probes" $(UDP5) \
		port_unreachable ttl_exceeded silent_drop $(BENCH_GO_ON)
	$(B)/bench --record $(BENCH_REC) --as catalogue --runs 5 \
		--label "the catalogue x 5 UDP probes (both families)" $(UDP5) \
		$(BENCH_GO_ON)
	$(B)/bench --record $(BENCH_REC) --as whole \
		--label "the whole matrix" --runs 3 --no-naive --scaling \
		$(BENCH_GO_ON)
	$(B)/bench --record $(BENCH_REC) --as ipv4 \
		--label "the IPv4 matrix" --runs 3 --no-naive --family ipv4 \
		$(BENCH_GO_ON)
	$(B)/bench --record $(BENCH_REC) --as core-repeat --repeat 50 --load \
		--label "core: 50 runs, then 50 under load" $(UDP5) \
		port_unreachable ttl_exceeded silent_drop $(BENCH_GO_ON)
	$(B)/bench --record $(BENCH_REC) --as catalogue-repeat --repeat 50 \
		--load --budget-s $(BENCH_BUDGET_S) \
		--label "the catalogue: 50 runs, then 50 under load" $(UDP5) \
		$(BENCH_GO_ON)
	@$(B)/bench --targets $(BENCH_REC)

$(B)/bench: $(B)/tests/bench.o $(B)/tests/benchdoc.o $(B)/tests/runner.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(B)/tests/test_benchdoc: $(B)/tests/benchdoc.o

# `make install PREFIX=/usr/local DESTDIR=`: the command in bin, the probes
# in libexec/icmplab, the cases (and try's) in share/icmplab, the manual in
# man1; the
# binary finds the others from where it is (harness/main.c, locate()).
PREFIX ?= /usr/local
INST   := $(DESTDIR)$(PREFIX)
install: all
	install -d $(INST)/bin $(INST)/libexec/icmplab \
		$(INST)/share/icmplab $(INST)/share/man/man1
	install -m 755 $(BIN) $(INST)/bin/icmplab
	install -m 755 $(PROBES) $(INST)/libexec/icmplab/
	rm -rf $(INST)/share/icmplab/cases $(INST)/share/icmplab/try
	cp -R cases $(INST)/share/icmplab/cases
	cp -R try $(INST)/share/icmplab/try
	install -m 644 docs/icmplab.1 $(INST)/share/man/man1/icmplab.1

uninstall:
	rm -f $(INST)/bin/icmplab $(INST)/share/man/man1/icmplab.1
	rm -rf $(INST)/libexec/icmplab $(INST)/share/icmplab

format:
	clang-format -i lib/*.[ch] probes/*.[ch] harness/*.[ch] tests/*.c tests/fuzz/*.c

clean:
	rm -rf $(B) $(FUZZ_B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
