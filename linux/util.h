/* SPDX-License-Identifier: MIT */
/*
 * Small helpers of the Linux side (partition manager, instance daemon and
 * the tools that call them): exit statuses, messages, files of sysfs and
 * procfs, key=value records, CPU lists, sizes.  Plain libc; nothing here
 * knows about cpusets or instances.
 */
#ifndef TANDEM_LINUX_UTIL_H
#define TANDEM_LINUX_UTIL_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * What a command ends with.  Functions of the Linux side that can fail
 * print why (tdm_err) and return one of these; 0 is success.
 */
enum tdm_status {
	TDM_OK = 0,
	TDM_EFAIL = 1,		/* the system refused or failed */
	TDM_EUSAGE = 2,		/* bad command line or value */
	TDM_EPERM = 3,		/* needs root, or the owner */
	TDM_ECONFLICT = 4,	/* the state does not allow it now */
	TDM_ENOENT = 5,		/* no such instance or reservation */
};

/* Where root's reservation and instances live. */
#define TDM_RUN_DIR		"/run/tandem"

typedef unsigned long long u64;

/*
 * Messages.  tdm_err prints "tandem: MSG" as an error, tdm_warn as a
 * warning, both on stderr unless a hook is set (the daemon sends them to
 * the kmsg ring).  tdm_info prints a line on stdout for the user.
 */
void tdm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tdm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tdm_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern void (*tdm_msg_hook)(int level, const char *msg);
#define TDM_LEVEL_ERR	3
#define TDM_LEVEL_WARN	4
#define TDM_LEVEL_INFO	6

/*
 * Files.  file_read reads at most size-1 bytes and NUL-terminates; it
 * returns the length or -errno.  file_read_line also drops trailing white
 * space.  file_write writes the whole string in one write(2), as sysfs and
 * cgroup files want, and returns 0 or -errno (the error of the write is
 * the kernel's answer).  file_write_atomic writes a temporary file next to
 * PATH and renames it.
 */
int file_read(const char *path, char *buf, size_t size);
int file_read_line(const char *path, char *buf, size_t size);
int file_read_u64(const char *path, u64 *out);
int file_write(const char *path, const char *s);
int file_writef(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int file_write_atomic(const char *path, const char *data, size_t len,
		      mode_t mode);
int mkdir_p(const char *path, mode_t mode);

/* A key=value record file, one pair a line, kept in order. */
struct kv {
	int n, cap;
	char **key, **val;
};

int kv_load(struct kv *kv, const char *path);
int kv_save(const struct kv *kv, const char *path, mode_t mode);
const char *kv_get(const struct kv *kv, const char *key);
u64 kv_get_u64(const struct kv *kv, const char *key, u64 dflt);
void kv_set(struct kv *kv, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kv_del_prefix(struct kv *kv, const char *prefix);
void kv_free(struct kv *kv);

/*
 * CPU lists as Linux writes them ("0-3,6").  cpus_parse returns 0, or -1
 * when the text is not a list or names a CPU >= CPU_SETSIZE.
 */
int cpus_parse(const char *s, cpu_set_t *out);
char *cpus_format(const cpu_set_t *set, char *buf, size_t size);
int cpus_read(const char *path, cpu_set_t *out);
int cpus_count(const cpu_set_t *set);
int cpus_first(const cpu_set_t *set);
/* Hex masks of /proc/irq/N/smp_affinity ("ff,ffffffff"). */
int cpus_parse_mask(const char *s, cpu_set_t *out);
char *cpus_format_mask(const cpu_set_t *set, char *buf, size_t size);
bool cpus_subset(const cpu_set_t *a, const cpu_set_t *b);

/* Sizes: "512M", "4G", "1048576"; K, M, G, T are powers of 1024. */
int size_parse(const char *s, u64 *out);
char *size_format(u64 bytes, char *buf, size_t size);

/* What /proc/PID/stat says about a process. */
struct proc_stat {
	char comm[64];
	char state;
	int ppid;
	int processor;			/* last CPU it ran on */
	u64 start_ticks;		/* field 22 */
};

int proc_stat_read(pid_t pid, pid_t tid, struct proc_stat *st);
int proc_status_u64(pid_t pid, const char *key, u64 *out);
int meminfo_kib(const char *path, const char *key, u64 *out);
int boot_id(char *buf, size_t size);
u64 mono_ns(void);

/*
 * An exclusive lock on DIR/lock (flock), waited for up to 15 s; returns
 * the descriptor (close it to unlock), or -1 after saying who holds it.
 */
int tdm_lock(const char *dir);

/* Print S as a JSON string, quotes included. */
void json_str(FILE *f, const char *s);

#endif
