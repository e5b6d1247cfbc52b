# SPDX-License-Identifier: MIT
# tandem: `make` builds build/tandem and the LWK image build/tandem-lwk;
# `make check` runs the test suite; `make bench` the benchmarks.

CC	?= cc
BUILD	:= build
Q	:= @

WARN	:= -Wall -Wextra -Wno-unused-parameter
CFLAGS	?= -O2 -g
HOST_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11

# The LWK core is freestanding: no libc headers, no stack protector (it
# would use the program's FS), position-independent code so the image can
# sit high in the address space.
LWK_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -ffreestanding -fno-builtin \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-stack-protector -fpie -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-plt -fvisibility=hidden -I.
LWK_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,platform/hosted/lwk.ld \
	-Wl,--build-id=none -Wl,-z,noexecstack
# clang links -static images as non-PIE anyway and calls -no-pie unused.
LWK_LDFLAGS += $(shell $(CC) -Werror -Wno-unused-command-line-argument \
	-E -x c /dev/null >/dev/null 2>&1 && echo -Wno-unused-command-line-argument)

KERNEL_SRCS := $(wildcard kernel/*.c kernel/lib/*.c kernel/mm/*.c kernel/sched/*.c)
HOSTED_SRCS := $(wildcard platform/hosted/*.c platform/hosted/*.S)
LWK_OBJS := $(patsubst %,$(BUILD)/lwk/%.o,$(KERNEL_SRCS) $(HOSTED_SRCS))

# The tandem command: tools/ and the Linux side it drives (linux/).  Paths
# are built with snprintf into PATH_MAX buffers: one cut short names no
# file and fails to open, so gcc's truncation guesses are not errors
# (clang has no such warning, nor the option).
NO_FMT_TRUNC := $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo -Wno-format-truncation)
TOOL_CFLAGS := $(HOST_CFLAGS) $(NO_FMT_TRUNC)
TOOL_SRCS := $(wildcard tools/*.c linux/*.c)
TOOL_OBJS := $(patsubst %,$(BUILD)/host/%.o,$(TOOL_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

all: deps $(BUILD)/tandem $(BUILD)/tandem-lwk

$(BUILD)/tandem: $(TOOL_OBJS)
	$(Q)mkdir -p $(@D)
	$(Q)echo "  LD      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -pthread -o $@ $(TOOL_OBJS)

$(BUILD)/host/%.c.o: %.c
	$(Q)mkdir -p $(@D)
	$(Q)echo "  CC      $<"
	$(Q)$(CC) $(TOOL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tandem-lwk: $(LWK_OBJS) platform/hosted/lwk.ld
	$(Q)echo "  LD      $@"
	$(Q)$(CC) $(LWK_LDFLAGS) -o $@ $(LWK_OBJS) -lgcc

$(BUILD)/lwk/%.c.o: %.c
	$(Q)mkdir -p $(@D)
	$(Q)echo "  CC      $<"
	$(Q)$(CC) $(LWK_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/lwk/%.S.o: %.S
	$(Q)mkdir -p $(@D)
	$(Q)echo "  AS      $<"
	$(Q)$(CC) $(LWK_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c
	$(Q)mkdir -p $(@D)
	$(Q)echo "  CC      $@"
	$(Q)$(CC) $(HOST_CFLAGS) -I. -MMD -MP -o $@ $<

unit: $(UNIT_BINS)

deps:
	$(Q)tools/deps.sh

# The integration suite runs once per system-call entry path, and once
# more with the calls the LWK hands to Linux going through proxies.
check: deps all unit
	$(Q)tests/run-tests.sh --variant auto= --variant signal=--entry=signal \
		--variant rewrite=--entry=rewrite --variant proxy=--offload=proxy

bench: deps all
	$(Q)bench/run.sh $(if $(QUICK),--quick)

clean:
	rm -rf $(BUILD)

.PHONY: all unit deps check bench clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
