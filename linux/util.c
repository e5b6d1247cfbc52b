// SPDX-License-Identifier: MIT
/*
 * Helpers of the Linux side: messages, small files of sysfs, procfs and
 * cgroupfs, key=value records, CPU lists and masks, sizes, /proc/PID/stat.
 * Ordinary user space; nothing here changes the machine except the files
 * a caller names.
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void (*tdm_msg_hook)(int level, const char *msg);

static void vmsg(int level, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (tdm_msg_hook) {
		tdm_msg_hook(level, buf);
		return;
	}
	fprintf(stderr, "tandem: %s%s\n",
		level == TDM_LEVEL_WARN ? "warning: " : "", buf);
}

void tdm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(TDM_LEVEL_ERR, fmt, ap);
	va_end(ap);
}

void tdm_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(TDM_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void tdm_info(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (tdm_msg_hook)
		tdm_msg_hook(TDM_LEVEL_INFO, buf);
	else
		printf("%s\n", buf);
}

/* ---- files ------------------------------------------------------------ */

int file_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return (int)len;
}

int file_read_line(const char *path, char *buf, size_t size)
{
	int n = file_read(path, buf, size);

	if (n < 0)
		return n;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return n;
}

int file_read_u64(const char *path, u64 *out)
{
	char buf[64], *end;
	int n = file_read_line(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int file_write(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, s, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int file_writef(const char *path, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return file_write(path, buf);
}

int file_write_atomic(const char *path, const char *data, size_t len,
		      mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		data += n;
		len -= n;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- key=value records ------------------------------------------------ */

int kv_load(struct kv *kv, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	memset(kv, 0, sizeof(*kv));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *eq = strchr(line, '=');

		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (!eq || line[0] == '#')
			continue;
		*eq = '\0';
		kv_set(kv, line, "%s", eq + 1);
	}
	free(line);
	fclose(f);
	return 0;
}

int kv_save(const struct kv *kv, const char *path, mode_t mode)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int i, err;

	if (!m)
		return -ENOMEM;
	for (i = 0; i < kv->n; i++)
		fprintf(m, "%s=%s\n", kv->key[i], kv->val[i]);
	fclose(m);
	err = file_write_atomic(path, buf, len, mode);
	free(buf);
	return err;
}

const char *kv_get(const struct kv *kv, const char *key)
{
	int i;

	for (i = 0; i < kv->n; i++)
		if (!strcmp(kv->key[i], key))
			return kv->val[i];
	return NULL;
}

u64 kv_get_u64(const struct kv *kv, const char *key, u64 dflt)
{
	const char *v = kv_get(kv, key);
	char *end;
	u64 r;

	if (!v || !*v)
		return dflt;
	errno = 0;
	r = strtoull(v, &end, 10);
	return errno || *end ? dflt : r;
}

void kv_set(struct kv *kv, const char *key, const char *fmt, ...)
{
	char *val;
	va_list ap;
	int i;

	va_start(ap, fmt);
	if (vasprintf(&val, fmt, ap) < 0)
		abort();
	va_end(ap);
	for (i = 0; i < kv->n; i++) {
		if (!strcmp(kv->key[i], key)) {
			free(kv->val[i]);
			kv->val[i] = val;
			return;
		}
	}
	if (kv->n == kv->cap) {
		kv->cap = kv->cap ? kv->cap * 2 : 32;
		kv->key = realloc(kv->key, kv->cap * sizeof(char *));
		kv->val = realloc(kv->val, kv->cap * sizeof(char *));
		if (!kv->key || !kv->val)
			abort();
	}
	kv->key[kv->n] = strdup(key);
	kv->val[kv->n++] = val;
}

/* Remove every key that starts with PREFIX. */
void kv_del_prefix(struct kv *kv, const char *prefix)
{
	size_t n = strlen(prefix);
	int i, k = 0;

	for (i = 0; i < kv->n; i++) {
		if (!strncmp(kv->key[i], prefix, n)) {
			free(kv->key[i]);
			free(kv->val[i]);
			continue;
		}
		kv->key[k] = kv->key[i];
		kv->val[k++] = kv->val[i];
	}
	kv->n = k;
}

void kv_free(struct kv *kv)
{
	int i;

	for (i = 0; i < kv->n; i++) {
		free(kv->key[i]);
		free(kv->val[i]);
	}
	free(kv->key);
	free(kv->val);
	memset(kv, 0, sizeof(*kv));
}

/* ---- CPU lists and masks ---------------------------------------------- */

int cpus_parse(const char *s, cpu_set_t *out)
{
	const char *p = s;

	CPU_ZERO(out);
	if (!*p)
		return -1;
	while (*p) {
		char *end;
		long a, b;

		if (!isdigit((unsigned char)*p))
			return -1;
		a = b = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				return -1;
			b = strtol(p + 1, &end, 10);
			p = end;
		}
		if (b < a || b >= CPU_SETSIZE)
			return -1;
		for (; a <= b; a++)
			CPU_SET(a, out);
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -1;
	}
	return 0;
}

char *cpus_format(const cpu_set_t *set, char *buf, size_t size)
{
	size_t len = 0;
	int a, b;

	buf[0] = '\0';
	for (a = 0; a < CPU_SETSIZE; a++) {
		if (!CPU_ISSET(a, set))
			continue;
		for (b = a; b + 1 < CPU_SETSIZE && CPU_ISSET(b + 1, set); b++)
			;
		if (len < size)
			len += snprintf(buf + len, size - len, "%s%d", len ? "," : "", a);
		if (b > a && len < size)
			len += snprintf(buf + len, size - len, "-%d", b);
		a = b;
	}
	return buf;
}

int cpus_read(const char *path, cpu_set_t *out)
{
	char buf[4096];
	int n = file_read_line(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	if (n == 0) {
		CPU_ZERO(out);
		return 0;
	}
	return cpus_parse(buf, out) ? -EINVAL : 0;
}

int cpus_count(const cpu_set_t *set)
{
	return CPU_COUNT(set);
}

int cpus_first(const cpu_set_t *set)
{
	int i;

	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, set))
			return i;
	return -1;
}

bool cpus_subset(const cpu_set_t *a, const cpu_set_t *b)
{
	cpu_set_t x;

	CPU_AND(&x, a, b);
	return CPU_EQUAL(&x, a);
}

int cpus_parse_mask(const char *s, cpu_set_t *out)
{
	int len = strlen(s), bit = 0, i;

	CPU_ZERO(out);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len)
		return -1;
	for (i = len - 1; i >= 0; i--) {
		int d, k;

		if (s[i] == ',')
			continue;
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		d = isdigit((unsigned char)s[i]) ? s[i] - '0' :
		    tolower((unsigned char)s[i]) - 'a' + 10;
		for (k = 0; k < 4; k++, bit++)
			if ((d >> k) & 1 && bit < CPU_SETSIZE)
				CPU_SET(bit, out);
	}
	return 0;
}

char *cpus_format_mask(const cpu_set_t *set, char *buf, size_t size)
{
	int last = -1, words, w, i;
	size_t len = 0;

	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, set))
			last = i;
	words = last < 0 ? 1 : last / 32 + 1;
	buf[0] = '\0';
	for (w = words - 1; w >= 0 && len < size; w--) {
		unsigned int v = 0;

		for (i = 0; i < 32; i++)
			if (CPU_ISSET(w * 32 + i, set))
				v |= 1U << i;
		len += snprintf(buf + len, size - len,
				w == words - 1 ? "%x" : ",%08x", v);
	}
	return buf;
}

/* ---- sizes ------------------------------------------------------------ */

int size_parse(const char *s, u64 *out)
{
	u64 v, mul = 1;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	}
	if (mul > 1 && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || v == 0 || v > ~0ULL / mul)
		return -1;
	*out = v * mul;
	return 0;
}

char *size_format(u64 bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	double v = (double)bytes;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", bytes);
	else if (v == (double)(u64)v)
		snprintf(buf, size, "%llu %s", (u64)v, unit[u]);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}

/* ---- processes -------------------------------------------------------- */

int proc_stat_read(pid_t pid, pid_t tid, struct proc_stat *st)
{
	char path[64], buf[1024], *open_paren, *close_paren, *p;
	int field, n;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = file_read(path, buf, sizeof(buf));
	if (n < 0)
		return n;

	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EINVAL;
	n = close_paren - open_paren - 1;
	if (n >= (int)sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open_paren + 1, n);
	st->comm[n] = '\0';

	p = close_paren + 2;
	st->state = *p;
	for (field = 3; *p; field++) {
		char *end;
		u64 v = strtoull(p, &end, 10);

		if (field == 4)
			st->ppid = (int)v;
		else if (field == 22)
			st->start_ticks = v;
		else if (field == 39) {
			st->processor = (int)v;
			return 0;
		}
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	return field >= 22 ? 0 : -EINVAL;
}

int proc_status_u64(pid_t pid, const char *key, u64 *out)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return meminfo_kib(path, key, out);
}

/*
 * The number after "KEY:" in a /proc-style file (meminfo, node meminfo,
 * status); node meminfo lines start with "Node N ", which is skipped.
 */
int meminfo_kib(const char *path, const char *key, u64 *out)
{
	char buf[8192], *line, *save;
	size_t klen = strlen(key);
	int n = file_read(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Node ", 5)) {
			line = strchr(line + 5, ' ');
			if (!line)
				continue;
			line++;
		}
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		*out = strtoull(line + klen + 1, NULL, 10);
		return 0;
	}
	return -ENOENT;
}

int boot_id(char *buf, size_t size)
{
	int n = file_read_line("/proc/sys/kernel/random/boot_id", buf, size);

	if (n < 0)
		snprintf(buf, size, "unknown");
	return n < 0 ? n : 0;
}

u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int tdm_lock(const char *dir)
{
	char path[PATH_MAX];
	int fd, i;

	snprintf(path, sizeof(path), "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		tdm_err("cannot open the lock file %s: %s", path,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < 150; i++) {
		if (!flock(fd, LOCK_EX | LOCK_NB))
			return fd;
		if (errno != EWOULDBLOCK)
			break;
		usleep(100000);
	}
	tdm_err("another tandem command holds %s for more than 15 s; wait for it, or find it with `fuser %s`",
		path, path);
	close(fd);
	return -1;
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
