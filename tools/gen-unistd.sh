#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate kernel/arch/x86_64/unistd.h from the installed Linux UAPI
# header: ./tools/gen-unistd.sh > kernel/arch/x86_64/unistd.h
set -e
hdr=${1:-/usr/include/x86_64-linux-gnu/asm/unistd_64.h}
cat <<'HEAD'
/* SPDX-License-Identifier: MIT */
/*
 * x86-64 Linux system-call numbers, as NR_name.  Generated from the
 * installed Linux UAPI header by tools/gen-unistd.sh; do not edit.
 */
#ifndef TANDEM_ARCH_UNISTD_H
#define TANDEM_ARCH_UNISTD_H

HEAD
grep -E '^#define __NR_[a-z0-9_]+ [0-9]+' "$hdr" |
	awk '{ sub("__NR_", "NR_", $2); printf "#define %-28s %s\n", $2, $3 }'
printf '\n#endif\n'
