#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Generate kernel/sysnames.h, the x86-64 system call name table the LWK's
# tracer uses, from the Linux UAPI header that lists the numbers.  The
# output goes to stdout so the caller picks the destination:
#
#	tools/gen-sysnames.sh [UNISTD_64_H] > kernel/sysnames.h
#
# Only numbers 0..max of the native x86-64 ABI are covered; the x32
# aliases (512 and up) live in a different header and are not wanted.
set -euo pipefail

src=${1:-/usr/include/x86_64-linux-gnu/asm/unistd_64.h}

if [ ! -r "$src" ]; then
	echo "gen-sysnames: cannot read $src;" \
	     "install the Linux UAPI headers (linux-libc-dev) or pass" \
	     "the path of asm/unistd_64.h as the first argument" >&2
	exit 1
fi

awk -v src="$src" '
$1 == "#define" && $2 ~ /^__NR_/ && $3 ~ /^[0-9]+$/ {
	nr = $3 + 0
	name[nr] = substr($2, 6)
	if (nr > max)
		max = nr
	found = 1
}
END {
	if (!found) {
		print "gen-sysnames: no __NR_ definitions in " src \
		      "; is it the x86-64 asm/unistd_64.h?" > "/dev/stderr"
		exit 1
	}
	print "/* SPDX-License-Identifier: MIT */"
	print "/*"
	print " * x86-64 system call names by number, for the tracer."
	print " * Generated from the Linux UAPI header asm/unistd_64.h by"
	print " * tools/gen-sysnames.sh; do not edit."
	print " *"
	print " * SYSCALL_LIST(X) expands X(number, name) once for every"
	print " * assigned number below NR_SYSCALLS, in order; numbers Linux"
	print " * never assigned are simply absent."
	print " */"
	print "#ifndef TANDEM_KERNEL_SYSNAMES_H"
	print "#define TANDEM_KERNEL_SYSNAMES_H"
	print ""
	print "#define NR_SYSCALLS\t" max + 1
	print ""
	print "#define SYSCALL_LIST(X) \\"
	for (i = 0; i <= max; i++) {
		if (!(i in name))
			continue
		printf "\tX(%d, %s)%s\n", i, name[i], i < max ? " \\" : ""
	}
	print ""
	print "#endif"
}' "$src"
