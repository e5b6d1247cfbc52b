// SPDX-License-Identifier: MIT
/*
 * Unit test of the ELF loader and the initial stack (kernel/exec.c), built
 * as a host program: the loader's checks run on crafted headers, the real
 * loader maps real binaries into this process (through raw Linux calls,
 * as in the LWK), and the stack builder lays out a stack in a buffer that
 * is then read back the way a C runtime reads its start-up stack.
 *
 * Each case runs in its own process (unit.h) and prints `ok NAME` or
 * `FAIL NAME: why`; the suite ends with `N passed, N failed` and exits 1
 * if any failed.
 *
 *	cc -O2 -g -Wall -Wextra -I. tests/unit/test_exec.c -o /tmp/test_exec
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <errno.h>

/*
 * <sys/wait.h> and <fcntl.h> would bring names the LWK's ABI header
 * defines itself; these two are all this test needs of them.
 */
pid_t waitpid(pid_t pid, int *status, int options);
int open(const char *path, int flags, ...);

/* libc's string functions stand in for the LWK's (see test_trace.c). */
#define TANDEM_KERNEL_LIB_H
#include "../../kernel/exec.c"

struct lwk_process lwk_proc;

long plat_linux_call(long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);

	return r == -1 ? -errno : r;
}

#include "unit.h"

/* ---- header and program-header checks -------------------------------- */

static struct elf64_ehdr good_header(void)
{
	struct elf64_ehdr eh;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, "\177ELF", 4);
	eh.e_ident[4] = ELFCLASS64;
	eh.e_ident[5] = ELFDATA2LSB;
	eh.e_ident[6] = 1;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_version = 1;
	eh.e_phoff = 64;
	eh.e_phentsize = sizeof(struct elf64_phdr);
	eh.e_phnum = 2;
	return eh;
}

static void expect_header(struct elf64_ehdr eh, u64 size, const char *want)
{
	const char *why = "";
	int err = elf_check_header(&eh, size, &why);

	if (!want) {
		CHECK(err == 0, "good header refused: %s", why);
		return;
	}
	CHECK(err == -ENOEXEC, "bad header accepted (%d), wanted '%s'", err,
	      want);
	CHECK(strstr(why, want), "reason '%s', wanted '%s'", why, want);
}

static void case_header(void)
{
	struct elf64_ehdr eh = good_header();

	expect_header(eh, 4096, NULL);
	eh.e_ident[1] = 'X';
	expect_header(eh, 4096, "not an ELF file");
	expect_header(good_header(), 3, "not an ELF file");
	expect_header(good_header(), 40, "header incomplete");
	eh = good_header();
	eh.e_ident[4] = 1;
	expect_header(eh, 4096, "32-bit");
	eh = good_header();
	eh.e_machine = 183;
	expect_header(eh, 4096, "wrong architecture");
	eh = good_header();
	eh.e_type = 1;
	expect_header(eh, 4096, "not an executable");
	eh = good_header();
	eh.e_phentsize = 32;
	expect_header(eh, 4096, "bad program header table");
	eh = good_header();
	eh.e_phnum = 0;
	expect_header(eh, 4096, "bad program header table");
	expect_header(good_header(), 100, "program headers beyond its end");
	eh = good_header();
	eh.e_phoff = ~0ULL - 8;
	expect_header(eh, 4096, "program headers beyond its end");
}

static struct elf_image img;

static void one_load(u64 vaddr, u64 off, u64 filesz, u64 memsz)
{
	img.eh = good_header();
	img.eh.e_phnum = 1;
	memset(img.ph, 0, sizeof(img.ph));
	img.ph[0].p_type = PT_LOAD;
	img.ph[0].p_vaddr = vaddr;
	img.ph[0].p_offset = off;
	img.ph[0].p_filesz = filesz;
	img.ph[0].p_memsz = memsz;
}

static void expect_phdrs(u64 size, const char *want)
{
	const char *why = "";
	int err = elf_check_phdrs(&img, size, &why);

	if (!want) {
		CHECK(err == 0, "good segments refused: %s", why);
		return;
	}
	CHECK(err == -ENOEXEC && strstr(why, want),
	      "got %d '%s', wanted '%s'", err, why, want);
}

static void case_phdrs(void)
{
	one_load(0x1000, 0x1000, 0x800, 0x2000);
	expect_phdrs(0x2000, NULL);
	CHECK(img.lo == 0x1000 && img.hi == 0x3000, "span %llx-%llx",
	      (unsigned long long)img.lo, (unsigned long long)img.hi);
	one_load(0x1000, 0x1000, 0x800, 0x2000);
	expect_phdrs(0x1200, "segment beyond its end");
	one_load(0x1000, 0x1000, 0x3000, 0x2000);
	expect_phdrs(0x10000, "segment beyond its end");
	one_load(0x1010, 0x1000, 0x800, 0x2000);
	expect_phdrs(0x10000, "bad segment address");
	one_load(0x7ffffffff000ULL, 0, 0x10, 0x2000);
	expect_phdrs(0x10000, "bad segment address");
	one_load(0x1000, 0x1000, 0, 0);
	expect_phdrs(0x10000, "nothing to load");

	one_load(0x1000, 0x1000, 0x800, 0x2000);
	img.eh.e_phnum = 2;
	img.ph[1].p_type = PT_INTERP;
	img.ph[1].p_offset = 0x100;
	img.ph[1].p_filesz = 1;
	expect_phdrs(0x10000, "bad PT_INTERP");
	img.ph[1].p_filesz = 28;
	expect_phdrs(0x10000, NULL);
	CHECK(img.interp == 1, "interp index %d", img.interp);

	lwk_proc.lwk_start = 0x7d0000000000ULL;
	lwk_proc.lwk_end = 0x7d0000100000ULL;
	one_load(0x7d0000010000ULL, 0, 0x10, 0x10);
	img.eh.e_type = ET_EXEC;
	expect_phdrs(0x10000, "addresses the LWK occupies");
	img.eh.e_type = ET_DYN;		/* a PIE goes elsewhere: fine */
	expect_phdrs(0x10000, NULL);
}

/* ---- loading real binaries into this process -------------------------- */

static void case_load_dynamic(void)
{
	struct exec_info info;
	const char *why = "";
	int err = exec_load("/bin/true", &info, &why);
	const struct elf64_phdr *ph;

	CHECK(err == 0, "exec_load(/bin/true): %d %s", err, why);
	CHECK(info.interp_base, "no AT_BASE for a dynamic program");
	CHECK(!memcmp((void *)info.interp_base, "\177ELF", 4),
	      "AT_BASE does not point at ld.so's ELF header");
	CHECK(info.entry != info.prog_entry, "entry is not ld.so's");
	CHECK(info.phent == sizeof(struct elf64_phdr), "phent %llu",
	      (unsigned long long)info.phent);
	ph = (const struct elf64_phdr *)info.phdr;
	CHECK(ph[0].p_type == PT_PHDR, "AT_PHDR does not point at the headers");
	CHECK(info.brk >= info.end_data && !(info.brk & 4095), "brk %llx",
	      (unsigned long long)info.brk);
	CHECK(info.prog_entry >= info.start_code &&
	      info.prog_entry < info.end_code, "entry outside the text");
}

static void case_load_missing(void)
{
	char path[] = "/tmp/tandem-test-textXXXXXX";
	struct exec_info info;
	const char *why = "";
	int fd;

	CHECK(exec_load("/nonexistent/prog", &info, &why) == -ENOENT,
	      "missing file not ENOENT");
	CHECK(!strcmp(why, "No such file or directory"), "why '%s'", why);
	/* A text file of our own: a system file may be open for writing. */
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	CHECK(write(fd, "root:x:0:0\n", 11) == 11, "write");
	close(fd);
	CHECK(exec_load(path, &info, &why) == -ENOEXEC, "text file not ENOEXEC");
	unlink(path);
	CHECK(exec_check("/tmp", &why) == -EACCES, "directory not EACCES");
}

static void case_script(void)
{
	char path[] = "/tmp/tandem-test-scriptXXXXXX";
	const char *text = "#!  /bin/sh   -e -x  \necho\n";
	struct script s;
	int fd = mkstemp(path);

	CHECK(fd >= 0, "mkstemp");
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write");
	close(fd);
	CHECK(exec_read_script(path, &s) == 1, "not seen as a script");
	CHECK(!strcmp(s.interp, "/bin/sh"), "interp '%s'", s.interp);
	CHECK(s.arg && !strcmp(s.arg, "-e -x"), "arg '%s'", s.arg ? s.arg : "");
	fd = open(path, 01 | 01000);	/* O_WRONLY | O_TRUNC */
	CHECK(write(fd, "#!\n", 3) == 3, "write");
	close(fd);
	CHECK(exec_read_script(path, &s) == -ENOEXEC, "empty #! accepted");
	unlink(path);
	CHECK(exec_read_script("/bin/true", &s) == 0, "ELF seen as script");
}

/* ---- the initial stack -------------------------------------------------- */

static void case_stack(void)
{
	static const char *argv[] = { "prog", "", "third arg" };
	static const char *envp[] = { "A=1", "PATH=/bin" };
	static const u8 rnd[16] = "0123456789abcdef";
	const u64 model[] = {
		AT_SYSINFO_EHDR, 0x7fff1000, AT_HWCAP, 0xbfebfbff,
		AT_PAGESZ, 4096, AT_PHDR, 1, AT_PHENT, 1, AT_PHNUM, 1,
		AT_BASE, 1, AT_ENTRY, 1, AT_EXECFD, 3, 27, 28, 28, 64, AT_UID, 1000,
		AT_RANDOM, 1, AT_EXECFN, 1, AT_PLATFORM, 1, AT_NULL, 0,
	};
	struct exec_info info = {
		.phdr = 0x400040, .phent = 56, .phnum = 9,
		.interp_base = 0x7f0000000000, .prog_entry = 0x401000,
	};
	struct stack_spec spec = {
		.argc = 3, .argv = argv, .envc = 2, .envp = envp,
		.execfn = "/usr/bin/prog", .platform = "x86_64",
		.random = rnd, .auxv_model = model, .info = &info,
	};
	static u8 buf[16384] __attribute__((aligned(16)));
	struct stack_layout out;
	u64 *sp, *auxv, need = stack_size(&spec);
	char **av, **ev;
	int i;

	stack_build(buf + sizeof(buf), &spec, &out);
	sp = (u64 *)out.sp;
	CHECK(!(out.sp & 15), "sp %llx not 16-byte aligned",
	      (unsigned long long)out.sp);
	CHECK((u8 *)sp >= buf + sizeof(buf) - need, "used more than stack_size");
	CHECK(sp[0] == 3, "argc %llu", (unsigned long long)sp[0]);
	av = (char **)(sp + 1);
	for (i = 0; i < 3; i++)
		CHECK(!strcmp(av[i], argv[i]), "argv[%d] '%s'", i, av[i]);
	CHECK(av[3] == NULL, "argv not NULL terminated");
	ev = av + 4;
	for (i = 0; i < 2; i++)
		CHECK(!strcmp(ev[i], envp[i]), "envp[%d] '%s'", i, ev[i]);
	CHECK(ev[2] == NULL, "envp not NULL terminated");

	CHECK(out.arg_start == (u64)av[0] && out.arg_end == out.env_start &&
	      out.env_start == (u64)ev[0], "arg/env areas misplaced");
	CHECK(!memcmp((void *)out.arg_start, "prog\0\0third arg\0A=1\0PATH=/bin\0",
		      out.env_end - out.arg_start), "string area differs");

	auxv = (u64 *)(ev + 3);
	CHECK(auxv == out.auxv, "auxv pointer differs");
	CHECK(auxv[0] == AT_SYSINFO_EHDR && auxv[1] == 0x7fff1000,
	      "model entry not kept in order");
	for (i = 0; auxv[2 * i] != AT_NULL; i++) {
		u64 type = auxv[2 * i], val = auxv[2 * i + 1];

		CHECK(type != AT_EXECFD && type != 27 && type != 28,
		      "entry %llu should be dropped", (unsigned long long)type);
		if (type == AT_PHDR)
			CHECK(val == info.phdr, "AT_PHDR");
		if (type == AT_PHNUM)
			CHECK(val == 9, "AT_PHNUM");
		if (type == AT_BASE)
			CHECK(val == info.interp_base, "AT_BASE");
		if (type == AT_ENTRY)
			CHECK(val == info.prog_entry, "AT_ENTRY");
		if (type == AT_UID)
			CHECK(val == 1000, "AT_UID not copied");
		if (type == AT_RANDOM)
			CHECK(!memcmp((void *)val, rnd, 16), "AT_RANDOM bytes");
		if (type == AT_EXECFN)
			CHECK(!strcmp((char *)val, "/usr/bin/prog"), "AT_EXECFN");
		if (type == AT_PLATFORM)
			CHECK(!strcmp((char *)val, "x86_64"), "AT_PLATFORM");
	}
	CHECK(i == 12, "%d auxv entries, wanted 12", i);
	CHECK(out.auxv_words == 2 * (u32)i + 2, "auxv_words %u", out.auxv_words);
	CHECK((u8 *)(auxv + 2 * i + 2) <= (u8 *)out.arg_start,
	      "pointers overlap the strings");
}

int main(void)
{
	run_case("exec/header-checks", case_header, 60);
	run_case("exec/phdr-checks", case_phdrs, 60);
	run_case("exec/load-dynamic", case_load_dynamic, 60);
	run_case("exec/load-errors", case_load_missing, 60);
	run_case("exec/script-line", case_script, 60);
	run_case("exec/stack-layout", case_stack, 60);
	return unit_summary();
}
