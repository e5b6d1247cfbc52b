#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what building and testing tandem needs, if it is missing.
# Debian packages only; needs root (or sudo) the first time on a fresh
# machine, and nothing at all once everything is there.
set -e

# command-or-file  package
# The MPI cases of make check (tests/integration/mpi.sh) need Open MPI and
# MPICH, each by its own names: both install mpicc and mpiexec as
# alternatives, so the plain names mean whichever came last. hpcc is
# Debian's HPC Challenge, built with Open MPI.
NEEDS="
cc:gcc
make:make
python3:python3
/usr/lib/x86_64-linux-gnu/libc.a:libc6-dev
/usr/lib/gcc/x86_64-linux-gnu/12/libgomp.so:libgomp1
mpiexec.openmpi:openmpi-bin
/usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h:libopenmpi-dev
mpiexec.mpich:mpich
/usr/include/x86_64-linux-gnu/mpich/mpi.h:libmpich-dev
hpcc:hpcc
"

missing=""
for need in $NEEDS; do
	what=${need%%:*}
	pkg=${need#*:}
	case $what in
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

echo "tandem: installing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "tandem: need root to install:$missing (apt-get install$missing)" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -qq
${SUDO:-} apt-get install -y -qq $missing >/dev/null
