# SPDX-License-Identifier: GPL-2.0-only
#
# Developer verbs.  What to build is in Kbuild; the kernel matrix and the
# QEMU harness are in scripts/ and tests/vm/.
#
#   make [KDIR=/path/to/kernel/build]   modules for one kernel, and the tools
#   make demo [KERNEL=6.1]              a VM with the simulated host, narrated
#   make check [KERNELS="6.1 debug"]    everything the CI runs
#   make bench [KERNEL=6.1]             figures, measured side by side in one VM
#   make kernels                        fetch/build the whole kernel matrix
#   make deps                           install the Debian packages we need
#   make dkms-src DESTDIR=DIR           the sources DKMS builds from

KDIR ?= /lib/modules/$(shell uname -r)/build
KMAKEVARS ?= $(if $(wildcard $(KDIR)/../linux-headers-*-common),CC=gcc)
BUILD ?= build
HVIS_CACHE ?= /var/cache/hvis
export HVIS_CACHE

# Where a kernel's modules land: build/<kernelrelease>/src/...  The release
# is the one the modules' vermagic carries (UTS_RELEASE), which DKMS calls
# ${kernelver}: Debian's headers answer "make kernelrelease" with the
# upstream version (6.1.192), not their own release (6.1.0-56-amd64).  DKMS passes KREL itself.
KREL = $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null))

all: modules tools

modules:
	@test -e $(KDIR)/Makefile || { echo "No kernel build tree at $(KDIR)."; \
	  echo "Install linux-headers-$$(uname -r), or pass KDIR=..., or run 'make check'"; \
	  echo "which builds against its own cached kernel matrix."; exit 1; }
	scripts/build.sh $(KDIR) $(BUILD)/$(KREL) $(KMAKEVARS)

tools:
	$(MAKE) -C tools

deps:
	scripts/deps.sh

kernels: deps
	scripts/kernels.sh prepare $$(scripts/kernels.sh list)

check: deps
	scripts/check.sh $(KERNELS)

bench: deps
	scripts/bench.sh $(KERNEL)

demo: deps
	scripts/demo.sh $(KERNEL)

# The sources DKMS builds from (hvis-dkms ships them in /usr/src/hvis-VERSION):
# the production modules only, no simulator, no tests.
DKMS_SRC := Makefile Kbuild dkms.conf include compat drivers/vmbus drivers/ic \
	scripts/build.sh scripts/probe.sh
dkms-src:
	@test -n "$(DESTDIR)" || { echo "usage: make dkms-src DESTDIR=/usr/src/hvis-VERSION"; exit 1; }
	mkdir -p $(DESTDIR)
	tar -cf - $(DKMS_SRC) | tar -xf - -C $(DESTDIR)

clean:
	rm -rf $(BUILD)
	$(MAKE) -C tools clean

.PHONY: all modules tools deps kernels check bench demo dkms-src clean
