// SPDX-License-Identifier: MIT
/*
 * Prints the auxiliary vector as the program sees it, in a form that must be
 * identical natively and under tandem.
 *
 * Entries with fixed meaning (page size, ids, hwcaps, platform, execfn...)
 * are printed by value. Entries whose value changes from run to run
 * (addresses) are checked instead: present, and describing this program
 * (AT_ENTRY is our _start, AT_PHDR our program headers), not a loader that
 * ran before it. /proc/self/auxv must agree with getauxval(3).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

extern const ElfW(Ehdr) __ehdr_start;
extern char _start[];

static ElfW(auxv_t) file_auxv[256];
static size_t file_n;

static int read_proc_auxv(void)
{
	char *p = (char *)file_auxv;
	size_t room = sizeof(file_auxv), got = 0;
	ssize_t r;
	int fd = open("/proc/self/auxv", O_RDONLY);

	if (fd < 0) {
		printf("open /proc/self/auxv: %s\n", strerror(errno));
		return -1;
	}
	while (got < room && (r = read(fd, p + got, room - got)) > 0)
		got += (size_t)r;
	close(fd);
	file_n = got / sizeof(file_auxv[0]);
	return 0;
}

/* Value from /proc/self/auxv; *found tells whether the key is there. */
static unsigned long file_val(unsigned long key, int *found)
{
	size_t i;

	for (i = 0; i < file_n && file_auxv[i].a_type != AT_NULL; i++)
		if (file_auxv[i].a_type == key) {
			*found = 1;
			return file_auxv[i].a_un.a_val;
		}
	*found = 0;
	return 0;
}

static void show_num(const char *name, unsigned long key, int hex)
{
	int found;
	unsigned long v = file_val(key, &found);

	if (!found)
		printf("%s absent\n", name);
	else if (hex)
		printf("%s=%#lx\n", name, v);
	else
		printf("%s=%lu\n", name, v);
}

static void show_str(const char *name, unsigned long key)
{
	int found;
	unsigned long v = file_val(key, &found);

	if (!found || !v)
		printf("%s absent\n", name);
	else
		printf("%s=\"%s\"\n", name, (const char *)v);
}

static void show_present(const char *name, unsigned long key)
{
	int found;

	file_val(key, &found);
	printf("%s %s\n", name, found ? "present" : "absent");
}

int main(void)
{
	const char *phdr = (const char *)&__ehdr_start + __ehdr_start.e_phoff;
	unsigned long v;
	size_t i, mismatches = 0;
	int found;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (read_proc_auxv())
		return 1;
	if (file_n == 0 || file_auxv[file_n - 1].a_type != AT_NULL)
		printf("/proc/self/auxv does not end with AT_NULL\n");

	show_num("AT_PAGESZ", AT_PAGESZ, 0);
	show_num("AT_CLKTCK", AT_CLKTCK, 0);
	show_num("AT_UID", AT_UID, 0);
	show_num("AT_EUID", AT_EUID, 0);
	show_num("AT_GID", AT_GID, 0);
	show_num("AT_EGID", AT_EGID, 0);
	show_num("AT_SECURE", AT_SECURE, 0);
	show_num("AT_HWCAP", AT_HWCAP, 1);
	show_num("AT_HWCAP2", AT_HWCAP2, 1);
	show_num("AT_FLAGS", AT_FLAGS, 1);
	show_str("AT_PLATFORM", AT_PLATFORM);
	show_str("AT_EXECFN", AT_EXECFN);
	show_present("AT_RANDOM", AT_RANDOM);
	show_present("AT_SYSINFO_EHDR", AT_SYSINFO_EHDR);
	show_present("AT_PHDR", AT_PHDR);
	show_present("AT_PHENT", AT_PHENT);
	show_present("AT_PHNUM", AT_PHNUM);
	show_present("AT_ENTRY", AT_ENTRY);
	show_present("AT_BASE", AT_BASE);
	show_present("AT_MINSIGSTKSZ", AT_MINSIGSTKSZ);

	v = file_val(AT_ENTRY, &found);
	printf("AT_ENTRY is this program's _start: %s\n",
	       found && v == (unsigned long)_start ? "yes" : "no");
	v = file_val(AT_PHDR, &found);
	printf("AT_PHDR is this program's headers: %s\n",
	       found && v == (unsigned long)phdr ? "yes" : "no");
	v = file_val(AT_PHNUM, &found);
	printf("AT_PHNUM matches the ELF header: %s\n",
	       found && v == __ehdr_start.e_phnum ? "yes" : "no");
	v = file_val(AT_SYSINFO_EHDR, &found);
	printf("AT_SYSINFO_EHDR points at an ELF image: %s\n",
	       found && v && !memcmp((const void *)v, ELFMAG, SELFMAG) ?
	       "yes" : "no");

	for (i = 0; i < file_n && file_auxv[i].a_type != AT_NULL; i++) {
		unsigned long key = file_auxv[i].a_type;

		/* glibc reports its own idea of the hwcaps on x86-64. */
		if (key == AT_HWCAP || key == AT_HWCAP2)
			continue;
		errno = 0;
		if (getauxval(key) != file_auxv[i].a_un.a_val && errno == 0) {
			printf("key %lu: /proc/self/auxv %#lx, getauxval %#lx\n",
			       key, file_auxv[i].a_un.a_val, getauxval(key));
			mismatches++;
		}
	}
	printf("/proc/self/auxv agrees with getauxval: %s\n",
	       mismatches ? "no" : "yes");
	return 0;
}
