/* SPDX-License-Identifier: MIT */
/*
 * The ELF loader and the initial stack: what Linux's binfmt_elf does for
 * execve, done by the LWK so that it owns the program's address space from
 * the first instruction.
 */
#ifndef TANDEM_KERNEL_EXEC_H
#define TANDEM_KERNEL_EXEC_H

#include "types.h"
#include "arch/x86_64/abi.h"

#define EXEC_MAX_PHDRS	128

/* Where an image landed. */
struct exec_info {
	u64 entry;		/* first instruction: ld.so's or the program's */
	u64 prog_entry;		/* AT_ENTRY */
	u64 phdr, phent, phnum;	/* AT_PHDR, AT_PHENT, AT_PHNUM */
	u64 interp_base;	/* AT_BASE, 0 without PT_INTERP */
	u64 start_code, end_code, start_data, end_data;
	u64 brk;		/* first byte after the program's bss */
	bool exec_stack;	/* PT_GNU_STACK asks for PROT_EXEC */
};

/* A parsed, validated ELF header and program header table. */
struct elf_image {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[EXEC_MAX_PHDRS];
	u64 lo, hi;		/* page-aligned span of the PT_LOADs */
	int interp;		/* index of PT_INTERP, or -1 */
};

int elf_check_header(const struct elf64_ehdr *eh, u64 file_size,
		     const char **why);
int elf_check_phdrs(struct elf_image *img, u64 file_size, const char **why);

/*
 * exec_check - open and validate `path` (and its interpreter) without
 * changing anything: what execve must know before it gives up the old
 * image.  Returns 0, or -errno with *why set to a human reason.
 */
int exec_check(const char *path, const char **why);

/*
 * exec_load - map `path` (and its PT_INTERP) into the current address
 * space.  Returns 0 or -errno with *why set.
 */
int exec_load(const char *path, struct exec_info *info, const char **why);

/* The interpreter line of a #! script, split as Linux splits it. */
#define BINPRM_BUF	256
struct script {
	char line[BINPRM_BUF];
	char *interp, *arg;
};

/*
 * exec_read_script - read the #! line of `path`.  Returns 1 for a script
 * (interp and arg set), 0 for anything else, -errno if unreadable or
 * -ENOEXEC for a #! line without an interpreter, -ETXTBSY for a script
 * some process has open for writing.
 */
int exec_read_script(const char *path, struct script *s);

/* Linux follows five nested #! scripts; the sixth gives ELOOP. */
#define EXEC_MAX_SCRIPTS	5

/* A file to run with the #! scripts that lead to its ELF image. */
struct exec_chain {
	struct script s[EXEC_MAX_SCRIPTS + 1];
	int depth;			/* #! scripts followed */
	const char *elf;		/* the ELF file to load */
	const char *lead[2 * EXEC_MAX_SCRIPTS + 1];
	int nlead;			/* argv words before the program's argv[1] */
	const char *why;		/* on error: the reason, in words */
	const char *bad;		/* on error: the interpreter at fault, or NULL */
};

/*
 * exec_resolve - follow the #! lines from `path` as Linux's binfmt_script
 * does, nested up to EXEC_MAX_SCRIPTS deep.  On success c->elf is the file
 * to load and, for a script, c->lead holds what replaces argv[0]: the
 * innermost interpreter first, each with its #! argument, then `path`.
 * Returns 0, or -errno with c->why (and c->bad for an interpreter) set:
 * -ENOEXEC for an empty #! line, -ELOOP when nested too deep, -EACCES for
 * an interpreter that is not executable, the open's error otherwise.
 * Not reentrant: c is the caller's, but the checks use no other state.
 */
int exec_resolve(const char *path, struct exec_chain *c);

/* What goes on the initial stack. */
struct stack_spec {
	int argc;
	const char *const *argv;
	int envc;
	const char *const *envp;
	const char *execfn;
	const char *platform;
	const u8 *random;		/* 16 bytes */
	const u64 *auxv_model;		/* the auxv Linux gave the LWK */
	const struct exec_info *info;
};

/* Where the strings and the auxv landed, for /proc/self. */
struct stack_layout {
	u64 sp;
	u64 arg_start, arg_end, env_start, env_end;
	u64 *auxv;
	u32 auxv_words;
};

/*
 * stack_build - lay out argc, argv, envp, auxv and their strings below
 * `top` exactly as Linux does.  Needs stack_size(spec) bytes.  Pure: it
 * only writes below top, so it is unit tested on a plain buffer.
 */
void stack_build(u8 *top, const struct stack_spec *spec,
		 struct stack_layout *out);
u64 stack_size(const struct stack_spec *spec);

#endif
