/* SPDX-License-Identifier: MIT */
/*
 * System-call sites of the shape tandem's fast entry rewrites, `mov $NR,
 * %eax; syscall`, for the fastentry_* programs: a few calls inline in the
 * caller's code, and numbered functions with one site each, for programs
 * that need many sites no thread has reached yet.  x86-64 only.
 */
#ifndef TANDEM_TESTS_SITES_H
#define TANDEM_TESTS_SITES_H

/* getpid (39) through such a site in the caller's code. */
static __attribute__((unused)) long inline_getpid(void)
{
	long ret;

	__asm__ volatile("mov $39, %%eax\n\tsyscall"
			 : "=a"(ret) : : "rcx", "r11", "memory");
	return ret;
}

/* getppid (110) through such a site in the caller's code. */
static __attribute__((unused)) long inline_getppid(void)
{
	long ret;

	__asm__ volatile("mov $110, %%eax\n\tsyscall"
			 : "=a"(ret) : : "rcx", "r11", "memory");
	return ret;
}

/*
 * SITE(N, NR) defines siteN(), which makes system call NR through a site
 * of its own (never inlined, so no other caller shares it); SITE3(N)
 * defines siteN0, siteN1 and siteN2 for getpid, getppid and gettid, and
 * REF3(N) lists them, for a table of sites.
 */
#define SITE(n, nr)							\
	static __attribute__((noinline)) long site##n(void)		\
	{								\
		long ret;						\
		__asm__ volatile("mov $" #nr ", %%eax\n\tsyscall"	\
				 : "=a"(ret) : : "rcx", "r11", "memory"); \
		return ret;						\
	}
#define SITE3(n)	SITE(n##0, 39) SITE(n##1, 110) SITE(n##2, 186)
#define REF3(n)		site##n##0, site##n##1, site##n##2

#endif
