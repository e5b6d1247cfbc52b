// SPDX-License-Identifier: MIT
/*
 * fastentry_dso: the library fastentry_dlopen loads and unloads, built
 * twice with -DNR=39 (getpid) and -DNR=110 (getppid).  fe_dso_call is its
 * first function, so both builds have their `mov $NR, %eax; syscall` at
 * the same offset: a stale rewrite kept across dlclose would show as the
 * wrong call when the other build lands at the same address.
 */
#ifndef NR
#error build with -DNR=<system call number>
#endif

#define STR2(x)	#x
#define STR(x)	STR2(x)

long fe_dso_call(void);

long fe_dso_call(void)
{
	long ret;

	__asm__ volatile("mov $" STR(NR) ", %%eax\n\tsyscall"
			 : "=a"(ret) : : "rcx", "r11", "memory");
	return ret;
}

long fe_dso_nr(void);

long fe_dso_nr(void)
{
	return NR;
}
