// SPDX-License-Identifier: MIT
/*
 * The system call decoder behind `tandem run --trace`: turns a call
 * number, its six raw arguments and its result into one strace-style line.
 *
 * Every call Linux defines has a row in sc_descs[] that lists how each of
 * its arguments prints (a number, a path, a flag word, a structure); the
 * few calls whose layout depends on an argument (futex, fcntl, prctl,
 * clone) get their row rebuilt by layout_call().  Values that have names
 * come from the xlat tables, whose names are Linux's own.
 *
 * This runs in the LWK core on the traced thread, so it may not allocate
 * or print, and it must never touch program memory itself: every string,
 * buffer and structure comes in through plat_copy_from_user() or
 * plat_strncpy_from_user(), and whatever cannot be read prints as its
 * address, as strace does.
 */
#include "trace.h"
#include "errno.h"
#include "plat.h"
#include "sysnames.h"
#include "lib/lib.h"
#include "arch/x86_64/unistd.h"

/* How much of program data a line shows; strace's defaults. */
#define STRING_MAX	32	/* bytes of a string or buffer argument */
#define ARRAY_MAX	32	/* elements of argv, iovecs, pollfds */
#define PATH_SHOWN	4096	/* bytes of a path (PATH_MAX) */
#define ENV_SCAN_MAX	4096	/* environment entries counted */
#define CPUSET_MAX	1024	/* bytes of a CPU mask (8192 CPUs) */
#define CHUNK		64	/* bytes copied in at a time */

/*
 * The Linux x86-64 ABI values the code below reasons about (the xlat
 * tables carry the rest).  The L_ prefix keeps them clear of the libc
 * headers a hosted unit test includes.
 */
enum {
	L_AT_FDCWD = -100,
	L_O_ACCMODE = 03,
	L_O_CREAT = 0100,
	L_O_TMPFILE_BIT = 020000000,
	L_MREMAP_FIXED = 2,
	L_MAP_TYPE = 0x0f,
	L_MAP_HUGETLB = 0x40000,
	L_MAP_HUGE_SHIFT = 26,
	L_MAP_HUGE_MASK = 0x3f,
	L_SOCK_TYPE_MASK = 0x0f,
	L_AF_INET = 2,
	L_AF_INET6 = 10,
	L_CSIGNAL = 0xff,
	L_CLONE_PIDFD = 0x1000,
	L_CLONE_SETTLS = 0x80000,
	L_CLONE_PARENT_SETTID = 0x100000,
	L_CLONE_CHILD_CLEARTID = 0x200000,
	L_CLONE_CHILD_SETTID = 0x1000000,
	L_CLONE_ARGS_SIZE_VER0 = 64,
	L_FUTEX_PRIVATE_FLAG = 128,
	L_FUTEX_CLOCK_REALTIME = 256,
	L_STATX_SYNC_TYPE = 0x6000,
	L_MPOL_MODE_FLAGS = 0xe000,
	L_SA_RESTORER = 0x04000000,
	L_ARCH_GET_FS = 0x1003,
	L_ARCH_GET_GS = 0x1004,
	L_F_GETFL = 3,
	L_NSIG = 64,
};

/* ---- Names of calls and errors ---------------------------------------- */

static const char *const sc_names[NR_SYSCALLS] = {
#define SC_NAME(nr, name)	[nr] = #name,
	SYSCALL_LIST(SC_NAME)
#undef SC_NAME
};

const char *syscall_name(long nr)
{
	if (nr < 0 || nr >= NR_SYSCALLS)
		return NULL;
	return sc_names[nr];
}

/* Linux's errno names, with the messages glibc's strerror() gives them. */
static const struct errno_text {
	const char *name;
	const char *msg;
} errno_texts[] = {
	[1] = { "EPERM", "Operation not permitted" },
	[2] = { "ENOENT", "No such file or directory" },
	[3] = { "ESRCH", "No such process" },
	[4] = { "EINTR", "Interrupted system call" },
	[5] = { "EIO", "Input/output error" },
	[6] = { "ENXIO", "No such device or address" },
	[7] = { "E2BIG", "Argument list too long" },
	[8] = { "ENOEXEC", "Exec format error" },
	[9] = { "EBADF", "Bad file descriptor" },
	[10] = { "ECHILD", "No child processes" },
	[11] = { "EAGAIN", "Resource temporarily unavailable" },
	[12] = { "ENOMEM", "Cannot allocate memory" },
	[13] = { "EACCES", "Permission denied" },
	[14] = { "EFAULT", "Bad address" },
	[15] = { "ENOTBLK", "Block device required" },
	[16] = { "EBUSY", "Device or resource busy" },
	[17] = { "EEXIST", "File exists" },
	[18] = { "EXDEV", "Invalid cross-device link" },
	[19] = { "ENODEV", "No such device" },
	[20] = { "ENOTDIR", "Not a directory" },
	[21] = { "EISDIR", "Is a directory" },
	[22] = { "EINVAL", "Invalid argument" },
	[23] = { "ENFILE", "Too many open files in system" },
	[24] = { "EMFILE", "Too many open files" },
	[25] = { "ENOTTY", "Inappropriate ioctl for device" },
	[26] = { "ETXTBSY", "Text file busy" },
	[27] = { "EFBIG", "File too large" },
	[28] = { "ENOSPC", "No space left on device" },
	[29] = { "ESPIPE", "Illegal seek" },
	[30] = { "EROFS", "Read-only file system" },
	[31] = { "EMLINK", "Too many links" },
	[32] = { "EPIPE", "Broken pipe" },
	[33] = { "EDOM", "Numerical argument out of domain" },
	[34] = { "ERANGE", "Numerical result out of range" },
	[35] = { "EDEADLK", "Resource deadlock avoided" },
	[36] = { "ENAMETOOLONG", "File name too long" },
	[37] = { "ENOLCK", "No locks available" },
	[38] = { "ENOSYS", "Function not implemented" },
	[39] = { "ENOTEMPTY", "Directory not empty" },
	[40] = { "ELOOP", "Too many levels of symbolic links" },
	[42] = { "ENOMSG", "No message of desired type" },
	[43] = { "EIDRM", "Identifier removed" },
	[44] = { "ECHRNG", "Channel number out of range" },
	[45] = { "EL2NSYNC", "Level 2 not synchronized" },
	[46] = { "EL3HLT", "Level 3 halted" },
	[47] = { "EL3RST", "Level 3 reset" },
	[48] = { "ELNRNG", "Link number out of range" },
	[49] = { "EUNATCH", "Protocol driver not attached" },
	[50] = { "ENOCSI", "No CSI structure available" },
	[51] = { "EL2HLT", "Level 2 halted" },
	[52] = { "EBADE", "Invalid exchange" },
	[53] = { "EBADR", "Invalid request descriptor" },
	[54] = { "EXFULL", "Exchange full" },
	[55] = { "ENOANO", "No anode" },
	[56] = { "EBADRQC", "Invalid request code" },
	[57] = { "EBADSLT", "Invalid slot" },
	[59] = { "EBFONT", "Bad font file format" },
	[60] = { "ENOSTR", "Device not a stream" },
	[61] = { "ENODATA", "No data available" },
	[62] = { "ETIME", "Timer expired" },
	[63] = { "ENOSR", "Out of streams resources" },
	[64] = { "ENONET", "Machine is not on the network" },
	[65] = { "ENOPKG", "Package not installed" },
	[66] = { "EREMOTE", "Object is remote" },
	[67] = { "ENOLINK", "Link has been severed" },
	[68] = { "EADV", "Advertise error" },
	[69] = { "ESRMNT", "Srmount error" },
	[70] = { "ECOMM", "Communication error on send" },
	[71] = { "EPROTO", "Protocol error" },
	[72] = { "EMULTIHOP", "Multihop attempted" },
	[73] = { "EDOTDOT", "RFS specific error" },
	[74] = { "EBADMSG", "Bad message" },
	[75] = { "EOVERFLOW", "Value too large for defined data type" },
	[76] = { "ENOTUNIQ", "Name not unique on network" },
	[77] = { "EBADFD", "File descriptor in bad state" },
	[78] = { "EREMCHG", "Remote address changed" },
	[79] = { "ELIBACC", "Can not access a needed shared library" },
	[80] = { "ELIBBAD", "Accessing a corrupted shared library" },
	[81] = { "ELIBSCN", ".lib section in a.out corrupted" },
	[82] = { "ELIBMAX", "Attempting to link in too many shared libraries" },
	[83] = { "ELIBEXEC", "Cannot exec a shared library directly" },
	[84] = { "EILSEQ", "Invalid or incomplete multibyte or wide character" },
	[85] = { "ERESTART", "Interrupted system call should be restarted" },
	[86] = { "ESTRPIPE", "Streams pipe error" },
	[87] = { "EUSERS", "Too many users" },
	[88] = { "ENOTSOCK", "Socket operation on non-socket" },
	[89] = { "EDESTADDRREQ", "Destination address required" },
	[90] = { "EMSGSIZE", "Message too long" },
	[91] = { "EPROTOTYPE", "Protocol wrong type for socket" },
	[92] = { "ENOPROTOOPT", "Protocol not available" },
	[93] = { "EPROTONOSUPPORT", "Protocol not supported" },
	[94] = { "ESOCKTNOSUPPORT", "Socket type not supported" },
	[95] = { "EOPNOTSUPP", "Operation not supported" },
	[96] = { "EPFNOSUPPORT", "Protocol family not supported" },
	[97] = { "EAFNOSUPPORT", "Address family not supported by protocol" },
	[98] = { "EADDRINUSE", "Address already in use" },
	[99] = { "EADDRNOTAVAIL", "Cannot assign requested address" },
	[100] = { "ENETDOWN", "Network is down" },
	[101] = { "ENETUNREACH", "Network is unreachable" },
	[102] = { "ENETRESET", "Network dropped connection on reset" },
	[103] = { "ECONNABORTED", "Software caused connection abort" },
	[104] = { "ECONNRESET", "Connection reset by peer" },
	[105] = { "ENOBUFS", "No buffer space available" },
	[106] = { "EISCONN", "Transport endpoint is already connected" },
	[107] = { "ENOTCONN", "Transport endpoint is not connected" },
	[108] = { "ESHUTDOWN", "Cannot send after transport endpoint shutdown" },
	[109] = { "ETOOMANYREFS", "Too many references: cannot splice" },
	[110] = { "ETIMEDOUT", "Connection timed out" },
	[111] = { "ECONNREFUSED", "Connection refused" },
	[112] = { "EHOSTDOWN", "Host is down" },
	[113] = { "EHOSTUNREACH", "No route to host" },
	[114] = { "EALREADY", "Operation already in progress" },
	[115] = { "EINPROGRESS", "Operation now in progress" },
	[116] = { "ESTALE", "Stale file handle" },
	[117] = { "EUCLEAN", "Structure needs cleaning" },
	[118] = { "ENOTNAM", "Not a XENIX named type file" },
	[119] = { "ENAVAIL", "No XENIX semaphores available" },
	[120] = { "EISNAM", "Is a named type file" },
	[121] = { "EREMOTEIO", "Remote I/O error" },
	[122] = { "EDQUOT", "Disk quota exceeded" },
	[123] = { "ENOMEDIUM", "No medium found" },
	[124] = { "EMEDIUMTYPE", "Wrong medium type" },
	[125] = { "ECANCELED", "Operation canceled" },
	[126] = { "ENOKEY", "Required key not available" },
	[127] = { "EKEYEXPIRED", "Key has expired" },
	[128] = { "EKEYREVOKED", "Key has been revoked" },
	[129] = { "EKEYREJECTED", "Key was rejected by service" },
	[130] = { "EOWNERDEAD", "Owner died" },
	[131] = { "ENOTRECOVERABLE", "State not recoverable" },
	[132] = { "ERFKILL", "Operation not possible due to RF-kill" },
	[133] = { "EHWPOISON", "Memory page has hardware error" },
};

const char *errno_name(long err)
{
	if (err <= 0 || err >= (long)ARRAY_SIZE(errno_texts))
		return NULL;
	return errno_texts[err].name;
}

/* ---- The line being built --------------------------------------------- */

/*
 * Output goes to buf[0 .. size-1]; len counts everything printed, even
 * past the end, and can be wound back to drop output that turned out
 * to be unreadable.  The terminating NUL is placed once, at the end.
 */
struct line {
	char *buf;
	size_t size;
	size_t len;
};

static void line_putc(struct line *l, char c)
{
	if (l->len + 1 < l->size)
		l->buf[l->len] = c;
	l->len++;
}

static void line_puts(struct line *l, const char *s)
{
	while (*s)
		line_putc(l, *s++);
}

static __printf(2, 3) void line_printf(struct line *l, const char *fmt, ...)
{
	size_t room = l->len < l->size ? l->size - l->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? l->buf + l->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += n;
}

/* A program address as strace shows one: NULL or hex. */
static void print_addr(struct line *l, ulong addr)
{
	if (addr)
		line_printf(l, "%#lx", addr);
	else
		line_puts(l, "NULL");
}

/* ---- Reading program memory ------------------------------------------- */

/* Copy @n bytes from program address @uaddr; false if it cannot be read. */
static bool uread(void *dst, ulong uaddr, size_t n)
{
	if (!uaddr)
		return false;
	return plat_copy_from_user(dst, (const void *)uaddr, n) == 0;
}

/*
 * Quoting, as strace does it: printable ASCII as is, the usual C escapes,
 * anything else in octal, padded to three digits only when an octal digit
 * follows; or every byte as \xNN.  The look-ahead needs one byte held
 * back, so bytes go through quote_byte() and end with quote_flush().
 */
struct quoter {
	struct line *l;
	int pending;	/* the byte not yet printed, or -1 */
	bool hex;
};

static void quote_emit(struct quoter *q, unsigned char c, int next)
{
	static const char from[] = "\t\n\v\f\r\"\\", to[] = "tnvfr\"\\";
	const char *e = c ? strchr(from, c) : NULL;

	if (q->hex)
		line_printf(q->l, "\\x%02x", c);
	else if (e)
		line_printf(q->l, "\\%c", to[e - from]);
	else if (c >= ' ' && c <= '~')
		line_putc(q->l, c);
	else if (next >= '0' && next <= '7')
		line_printf(q->l, "\\%03o", c);
	else
		line_printf(q->l, "\\%o", c);
}

static void quote_byte(struct quoter *q, unsigned char c)
{
	if (q->pending >= 0)
		quote_emit(q, q->pending, c);
	q->pending = c;
}

static void quote_flush(struct quoter *q)
{
	if (q->pending >= 0)
		quote_emit(q, q->pending, -1);
	q->pending = -1;
}

/*
 * Print the NUL-terminated program string at @uaddr quoted, cut after
 * @limit bytes with "..." after the closing quote.  NULL, or a string
 * that cannot be read to its end or the limit, prints as the address.
 */
static void print_ustr(struct line *l, ulong uaddr, size_t limit)
{
	struct quoter q = { l, -1, false };
	size_t mark = l->len, done = 0;
	char chunk[CHUNK + 1];
	bool ended = false;
	long i, n;

	if (!uaddr) {
		line_puts(l, "NULL");
		return;
	}
	line_putc(l, '"');
	while (!ended && done < limit) {
		size_t want = MIN(limit - done, (size_t)CHUNK);
		const char *src = (const char *)(uaddr + done);

		/*
		 * -ENAMETOOLONG means want + 1 readable bytes and no NUL
		 * among them; copy the want bytes again to know them.
		 */
		n = plat_strncpy_from_user(chunk, src, want + 1);
		if (n == -ENAMETOOLONG &&
		    plat_copy_from_user(chunk, src, want) == 0)
			n = want;
		else if (n >= 0 && (size_t)n <= want)
			ended = true;
		else
			goto unreadable;
		for (i = 0; i < n; i++)
			quote_byte(&q, chunk[i]);
		done += n;
	}
	quote_flush(&q);
	line_putc(l, '"');
	if (!ended)
		line_puts(l, "...");
	return;

unreadable:
	l->len = mark;
	print_addr(l, uaddr);
}

/*
 * Print @len bytes of program memory at @uaddr quoted, at most @limit of
 * them followed by "..." when there were more; unreadable bytes make it
 * print the address instead.
 */
static void print_ubuf(struct line *l, ulong uaddr, ulong len, ulong limit,
		       bool hex)
{
	struct quoter q = { l, -1, hex };
	ulong shown = MIN(len, limit), done;
	size_t mark = l->len, n, i;
	char chunk[CHUNK];

	if (!uaddr) {
		line_puts(l, "NULL");
		return;
	}
	line_putc(l, '"');
	for (done = 0; done < shown; done += n) {
		n = MIN(shown - done, (ulong)CHUNK);
		if (!uread(chunk, uaddr + done, n)) {
			l->len = mark;
			print_addr(l, uaddr);
			return;
		}
		for (i = 0; i < n; i++)
			quote_byte(&q, chunk[i]);
	}
	quote_flush(&q);
	line_putc(l, '"');
	if (len > shown)
		line_puts(l, "...");
}

/* ---- Named values and flag words -------------------------------------- */

struct xlat {
	ulong val;
	const char *name;
};

/*
 * How a 32-bit word maps to names: one value out of @tab, or an or of
 * flags from it.  A word none of whose bits have a name prints in hex,
 * followed by a comment naming its family ("MADV_???") unless @what is
 * NULL.
 */
struct xlat_set {
	const struct xlat *tab;
	size_t n;
	bool flags;
	const char *zero;	/* flags: what 0 prints as ("0" if NULL) */
	const char *what;
};

#define VALUES(t, what)		{ t, ARRAY_SIZE(t), false, NULL, what }
#define FLAGS(t, zero, what)	{ t, ARRAY_SIZE(t), true, zero, what }

static const char *xlat_name(const struct xlat *tab, size_t n, ulong val)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].val == val)
			return tab[i].name;
	return NULL;
}

/* Does another name in @tab that @val fully contains cover @bits too? */
static bool covered(const struct xlat *tab, size_t n, ulong val, ulong bits)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ulong v = tab[i].val;

		if (v != bits && (v & bits) == bits && (val & v) == v)
			return true;
	}
	return false;
}

/*
 * Print the names in @tab whose bits @val has, '|'-joined in table order
 * and after a '|' when @more says something precedes them, then any
 * unnamed bits in hex.  A name inside a wider one that matches is left
 * out (O_TMPFILE holds O_DIRECTORY).  Returns whether anything, including
 * what came before, has been printed.
 */
static bool print_flag_names(struct line *l, bool more,
			     const struct xlat *tab, size_t n, ulong val)
{
	ulong left = val;
	size_t i;

	for (i = 0; i < n; i++) {
		ulong v = tab[i].val;

		if (!v || (val & v) != v || covered(tab, n, val, v))
			continue;
		if (more)
			line_putc(l, '|');
		line_puts(l, tab[i].name);
		more = true;
		left &= ~v;
	}
	if (left) {
		if (more)
			line_putc(l, '|');
		line_printf(l, "%#lx", left);
		more = true;
	}
	return more;
}

/* Does @val have all the bits of at least one name in @tab? */
static bool has_named_flag(const struct xlat *tab, size_t n, ulong val)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].val && (val & tab[i].val) == tab[i].val)
			return true;
	return false;
}

static void print_xlat(struct line *l, const struct xlat_set *set, ulong val)
{
	const char *name;

	val = (unsigned int)val;
	if (set->flags) {
		if (!val)
			line_puts(l, set->zero ? set->zero : "0");
		else if (set->what && !has_named_flag(set->tab, set->n, val))
			line_printf(l, "%#lx /* %s_??? */", val, set->what);
		else
			print_flag_names(l, false, set->tab, set->n, val);
		return;
	}
	name = xlat_name(set->tab, set->n, val);
	if (name)
		line_puts(l, name);
	else if (set->what)
		line_printf(l, "%#lx /* %s_??? */", val, set->what);
	else
		line_printf(l, "%#lx", val);
}

static const struct xlat open_accmodes[] = {
	{ 00, "O_RDONLY" }, { 01, "O_WRONLY" }, { 02, "O_RDWR" },
	{ 03, "O_ACCMODE" },
};

static const struct xlat open_flags[] = {
	{ 0100, "O_CREAT" },		{ 0200, "O_EXCL" },
	{ 0400, "O_NOCTTY" },		{ 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" },		{ 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" },		{ 020000, "O_ASYNC" },
	{ 040000, "O_DIRECT" },		{ 0100000, "O_LARGEFILE" },
	{ 0200000, "O_DIRECTORY" },	{ 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },	{ 02000000, "O_CLOEXEC" },
	{ 04010000, "O_SYNC" },		{ 010000000, "O_PATH" },
	{ 020200000, "O_TMPFILE" },
};

static const struct xlat fd_flags[] = { { 1, "FD_CLOEXEC" } };

static const struct xlat at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" },	{ 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" },		{ 0x1000, "AT_EMPTY_PATH" },
	{ 0x8000, "AT_RECURSIVE" },
};

static const struct xlat access_at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" },	{ 0x200, "AT_EACCESS" },
	{ 0x1000, "AT_EMPTY_PATH" },
};

static const struct xlat unlink_flags[] = { { 0x200, "AT_REMOVEDIR" } };

static const struct xlat statx_sync_types[] = {
	{ 0x0000, "AT_STATX_SYNC_AS_STAT" },
	{ 0x2000, "AT_STATX_FORCE_SYNC" },
	{ 0x4000, "AT_STATX_DONT_SYNC" },
};

static const struct xlat statx_masks[] = {
	{ 0x1, "STATX_TYPE" },		{ 0x2, "STATX_MODE" },
	{ 0x4, "STATX_NLINK" },		{ 0x8, "STATX_UID" },
	{ 0x10, "STATX_GID" },		{ 0x20, "STATX_ATIME" },
	{ 0x40, "STATX_MTIME" },	{ 0x80, "STATX_CTIME" },
	{ 0x100, "STATX_INO" },		{ 0x200, "STATX_SIZE" },
	{ 0x400, "STATX_BLOCKS" },	{ 0x7ff, "STATX_BASIC_STATS" },
	{ 0x800, "STATX_BTIME" },	{ 0xfff, "STATX_ALL" },
	{ 0x1000, "STATX_MNT_ID" },	{ 0x2000, "STATX_DIOALIGN" },
};

static const struct xlat access_modes[] = {
	{ 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" },
};

static const struct xlat prot_flags[] = {
	{ 0x1, "PROT_READ" },		{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },		{ 0x8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
};

static const struct xlat map_types[] = {
	{ 1, "MAP_SHARED" }, { 2, "MAP_PRIVATE" }, { 3, "MAP_SHARED_VALIDATE" },
};

/* MAP_UNINITIALIZED shares its bit with the MAP_HUGETLB size field. */
static const struct xlat map_flags[] = {
	{ 0x10, "MAP_FIXED" },		{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },		{ 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" },	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },	{ 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x4000000, "MAP_UNINITIALIZED" },
};

static const struct xlat madv_advice[] = {
	{ 0, "MADV_NORMAL" },		{ 1, "MADV_RANDOM" },
	{ 2, "MADV_SEQUENTIAL" },	{ 3, "MADV_WILLNEED" },
	{ 4, "MADV_DONTNEED" },		{ 8, "MADV_FREE" },
	{ 9, "MADV_REMOVE" },		{ 10, "MADV_DONTFORK" },
	{ 11, "MADV_DOFORK" },		{ 12, "MADV_MERGEABLE" },
	{ 13, "MADV_UNMERGEABLE" },	{ 14, "MADV_HUGEPAGE" },
	{ 15, "MADV_NOHUGEPAGE" },	{ 16, "MADV_DONTDUMP" },
	{ 17, "MADV_DODUMP" },		{ 18, "MADV_WIPEONFORK" },
	{ 19, "MADV_KEEPONFORK" },	{ 20, "MADV_COLD" },
	{ 21, "MADV_PAGEOUT" },		{ 22, "MADV_POPULATE_READ" },
	{ 23, "MADV_POPULATE_WRITE" },	{ 24, "MADV_DONTNEED_LOCKED" },
	{ 25, "MADV_COLLAPSE" },	{ 100, "MADV_HWPOISON" },
	{ 101, "MADV_SOFT_OFFLINE" },
};

static const struct xlat mremap_flags[] = {
	{ 1, "MREMAP_MAYMOVE" }, { 2, "MREMAP_FIXED" },
	{ 4, "MREMAP_DONTUNMAP" },
};

static const struct xlat msync_flags[] = {
	{ 1, "MS_ASYNC" }, { 2, "MS_INVALIDATE" }, { 4, "MS_SYNC" },
};

static const struct xlat mlockall_flags[] = {
	{ 1, "MCL_CURRENT" }, { 2, "MCL_FUTURE" }, { 4, "MCL_ONFAULT" },
};

static const struct xlat mpol_modes[] = {
	{ 0, "MPOL_DEFAULT" },		{ 1, "MPOL_PREFERRED" },
	{ 2, "MPOL_BIND" },		{ 3, "MPOL_INTERLEAVE" },
	{ 4, "MPOL_LOCAL" },		{ 5, "MPOL_PREFERRED_MANY" },
	{ 6, "MPOL_WEIGHTED_INTERLEAVE" },
};

static const struct xlat mpol_mode_flags[] = {
	{ 1 << 15, "MPOL_F_STATIC_NODES" },
	{ 1 << 14, "MPOL_F_RELATIVE_NODES" },
	{ 1 << 13, "MPOL_F_NUMA_BALANCING" },
};

static const struct xlat mbind_flags[] = {
	{ 1, "MPOL_MF_STRICT" }, { 2, "MPOL_MF_MOVE" },
	{ 4, "MPOL_MF_MOVE_ALL" },
};

/* Without the exit signal in the low byte, which prints separately. */
static const struct xlat clone_flags[] = {
	{ 0x100, "CLONE_VM" },			{ 0x200, "CLONE_FS" },
	{ 0x400, "CLONE_FILES" },		{ 0x800, "CLONE_SIGHAND" },
	{ 0x1000, "CLONE_PIDFD" },		{ 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" },		{ 0x8000, "CLONE_PARENT" },
	{ 0x10000, "CLONE_THREAD" },		{ 0x20000, "CLONE_NEWNS" },
	{ 0x40000, "CLONE_SYSVSEM" },		{ 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" },
	{ 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x400000, "CLONE_DETACHED" },		{ 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" },
	{ 0x2000000, "CLONE_NEWCGROUP" },
	{ 0x4000000, "CLONE_NEWUTS" },		{ 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" },	{ 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" },		{ 0x80000000, "CLONE_IO" },
	{ 0x100000000, "CLONE_CLEAR_SIGHAND" },
	{ 0x200000000, "CLONE_INTO_CGROUP" },
};

/* clone3 has a field for the exit signal, which frees 0x80. */
static const struct xlat clone3_flags[] = {
	{ 0x80, "CLONE_NEWTIME" },
};

static const struct xlat sighows[] = {
	{ 0, "SIG_BLOCK" }, { 1, "SIG_UNBLOCK" }, { 2, "SIG_SETMASK" },
};

static const struct xlat sa_flags[] = {
	{ 0x04000000, "SA_RESTORER" },	{ 0x08000000, "SA_ONSTACK" },
	{ 0x10000000, "SA_RESTART" },	{ 0x40000000, "SA_NODEFER" },
	{ 0x80000000, "SA_RESETHAND" },	{ 0x4, "SA_SIGINFO" },
	{ 0x1, "SA_NOCLDSTOP" },	{ 0x2, "SA_NOCLDWAIT" },
	{ 0x400, "SA_UNSUPPORTED" },	{ 0x800, "SA_EXPOSE_TAGBITS" },
};

static const struct xlat ioctl_requests[] = {
	{ 0x5401, "TCGETS" },		{ 0x5402, "TCSETS" },
	{ 0x5403, "TCSETSW" },		{ 0x5404, "TCSETSF" },
	{ 0x540b, "TCFLSH" },		{ 0x540e, "TIOCSCTTY" },
	{ 0x540f, "TIOCGPGRP" },	{ 0x5410, "TIOCSPGRP" },
	{ 0x5413, "TIOCGWINSZ" },	{ 0x5414, "TIOCSWINSZ" },
	{ 0x541b, "FIONREAD" },		{ 0x5421, "FIONBIO" },
	{ 0x5422, "TIOCNOTTY" },	{ 0x5450, "FIONCLEX" },
	{ 0x5451, "FIOCLEX" },		{ 0x5452, "FIOASYNC" },
	{ 0x80045430, "TIOCGPTN" },	{ 0x40045431, "TIOCSPTLCK" },
};

static const struct xlat seek_whences[] = {
	{ 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" },
	{ 3, "SEEK_DATA" }, { 4, "SEEK_HOLE" },
};

static const struct xlat arch_codes[] = {
	{ 0x1001, "ARCH_SET_GS" },		{ 0x1002, "ARCH_SET_FS" },
	{ 0x1003, "ARCH_GET_FS" },		{ 0x1004, "ARCH_GET_GS" },
	{ 0x1011, "ARCH_GET_CPUID" },		{ 0x1012, "ARCH_SET_CPUID" },
	{ 0x1021, "ARCH_GET_XCOMP_SUPP" },
	{ 0x1022, "ARCH_GET_XCOMP_PERM" },
	{ 0x1023, "ARCH_REQ_XCOMP_PERM" },
	{ 0x1024, "ARCH_GET_XCOMP_GUEST_PERM" },
	{ 0x1025, "ARCH_REQ_XCOMP_GUEST_PERM" },
	{ 0x2001, "ARCH_MAP_VDSO_X32" },	{ 0x2002, "ARCH_MAP_VDSO_32" },
	{ 0x2003, "ARCH_MAP_VDSO_64" },
};

static const struct xlat rlimit_resources[] = {
	{ 0, "RLIMIT_CPU" },		{ 1, "RLIMIT_FSIZE" },
	{ 2, "RLIMIT_DATA" },		{ 3, "RLIMIT_STACK" },
	{ 4, "RLIMIT_CORE" },		{ 5, "RLIMIT_RSS" },
	{ 6, "RLIMIT_NPROC" },		{ 7, "RLIMIT_NOFILE" },
	{ 8, "RLIMIT_MEMLOCK" },	{ 9, "RLIMIT_AS" },
	{ 10, "RLIMIT_LOCKS" },		{ 11, "RLIMIT_SIGPENDING" },
	{ 12, "RLIMIT_MSGQUEUE" },	{ 13, "RLIMIT_NICE" },
	{ 14, "RLIMIT_RTPRIO" },	{ 15, "RLIMIT_RTTIME" },
};

static const struct xlat grnd_flags[] = {
	{ 1, "GRND_NONBLOCK" }, { 2, "GRND_RANDOM" }, { 4, "GRND_INSECURE" },
};

static const struct xlat address_families[] = {
	{ 0, "AF_UNSPEC" },	{ 1, "AF_UNIX" },	{ 2, "AF_INET" },
	{ 10, "AF_INET6" },	{ 16, "AF_NETLINK" },	{ 17, "AF_PACKET" },
	{ 40, "AF_VSOCK" },	{ 44, "AF_XDP" },
};

static const struct xlat sock_types[] = {
	{ 1, "SOCK_STREAM" },	{ 2, "SOCK_DGRAM" },	{ 3, "SOCK_RAW" },
	{ 4, "SOCK_RDM" },	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" },
	{ 10, "SOCK_PACKET" },
};

static const struct xlat sock_flags[] = {
	{ 04000, "SOCK_NONBLOCK" }, { 02000000, "SOCK_CLOEXEC" },
};

static const struct xlat ip_protocols[] = {
	{ 0, "IPPROTO_IP" },		{ 1, "IPPROTO_ICMP" },
	{ 6, "IPPROTO_TCP" },		{ 17, "IPPROTO_UDP" },
	{ 41, "IPPROTO_IPV6" },		{ 58, "IPPROTO_ICMPV6" },
	{ 132, "IPPROTO_SCTP" },	{ 136, "IPPROTO_UDPLITE" },
	{ 255, "IPPROTO_RAW" },		{ 262, "IPPROTO_MPTCP" },
};

static const struct xlat msg_flags[] = {
	{ 0x1, "MSG_OOB" },		{ 0x2, "MSG_PEEK" },
	{ 0x4, "MSG_DONTROUTE" },	{ 0x8, "MSG_CTRUNC" },
	{ 0x10, "MSG_PROXY" },		{ 0x20, "MSG_TRUNC" },
	{ 0x40, "MSG_DONTWAIT" },	{ 0x80, "MSG_EOR" },
	{ 0x100, "MSG_WAITALL" },	{ 0x200, "MSG_FIN" },
	{ 0x400, "MSG_SYN" },		{ 0x800, "MSG_CONFIRM" },
	{ 0x1000, "MSG_RST" },		{ 0x2000, "MSG_ERRQUEUE" },
	{ 0x4000, "MSG_NOSIGNAL" },	{ 0x8000, "MSG_MORE" },
	{ 0x10000, "MSG_WAITFORONE" },	{ 0x40000, "MSG_BATCH" },
	{ 0x4000000, "MSG_ZEROCOPY" },	{ 0x20000000, "MSG_FASTOPEN" },
	{ 0x40000000, "MSG_CMSG_CLOEXEC" },
};

static const struct xlat shut_hows[] = {
	{ 0, "SHUT_RD" }, { 1, "SHUT_WR" }, { 2, "SHUT_RDWR" },
};

static const struct xlat clock_ids[] = {
	{ 0, "CLOCK_REALTIME" },		{ 1, "CLOCK_MONOTONIC" },
	{ 2, "CLOCK_PROCESS_CPUTIME_ID" },
	{ 3, "CLOCK_THREAD_CPUTIME_ID" },
	{ 4, "CLOCK_MONOTONIC_RAW" },		{ 5, "CLOCK_REALTIME_COARSE" },
	{ 6, "CLOCK_MONOTONIC_COARSE" },	{ 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" },		{ 9, "CLOCK_BOOTTIME_ALARM" },
	{ 11, "CLOCK_TAI" },
};

static const struct xlat timer_flags[] = { { 1, "TIMER_ABSTIME" } };

static const struct xlat wait_options[] = {
	{ 0x1, "WNOHANG" },		{ 0x2, "WUNTRACED" },
	{ 0x4, "WEXITED" },		{ 0x8, "WCONTINUED" },
	{ 0x1000000, "WNOWAIT" },	{ 0x20000000, "__WNOTHREAD" },
	{ 0x40000000, "__WALL" },	{ 0x80000000, "__WCLONE" },
};

static const struct xlat waitid_types[] = {
	{ 0, "P_ALL" }, { 1, "P_PID" }, { 2, "P_PGID" }, { 3, "P_PIDFD" },
};

static const struct xlat rusage_whos[] = {
	{ 0, "RUSAGE_SELF" }, { 0xffffffff, "RUSAGE_CHILDREN" },
	{ 1, "RUSAGE_THREAD" },
};

static const struct xlat prio_whichs[] = {
	{ 0, "PRIO_PROCESS" }, { 1, "PRIO_PGRP" }, { 2, "PRIO_USER" },
};

static const struct xlat itimer_whichs[] = {
	{ 0, "ITIMER_REAL" }, { 1, "ITIMER_VIRTUAL" }, { 2, "ITIMER_PROF" },
};

static const struct xlat epoll_ops[] = {
	{ 1, "EPOLL_CTL_ADD" }, { 2, "EPOLL_CTL_DEL" }, { 3, "EPOLL_CTL_MOD" },
};

static const struct xlat epoll_events[] = {
	{ 0x1, "EPOLLIN" },		{ 0x2, "EPOLLPRI" },
	{ 0x4, "EPOLLOUT" },		{ 0x8, "EPOLLERR" },
	{ 0x10, "EPOLLHUP" },		{ 0x20, "EPOLLNVAL" },
	{ 0x40, "EPOLLRDNORM" },	{ 0x80, "EPOLLRDBAND" },
	{ 0x100, "EPOLLWRNORM" },	{ 0x200, "EPOLLWRBAND" },
	{ 0x400, "EPOLLMSG" },		{ 0x2000, "EPOLLRDHUP" },
	{ 1u << 28, "EPOLLEXCLUSIVE" },	{ 1u << 29, "EPOLLWAKEUP" },
	{ 1u << 30, "EPOLLONESHOT" },	{ 1u << 31, "EPOLLET" },
};

static const struct xlat poll_events[] = {
	{ 0x1, "POLLIN" },		{ 0x2, "POLLPRI" },
	{ 0x4, "POLLOUT" },		{ 0x8, "POLLERR" },
	{ 0x10, "POLLHUP" },		{ 0x20, "POLLNVAL" },
	{ 0x40, "POLLRDNORM" },		{ 0x80, "POLLRDBAND" },
	{ 0x100, "POLLWRNORM" },	{ 0x200, "POLLWRBAND" },
	{ 0x400, "POLLMSG" },		{ 0x1000, "POLLREMOVE" },
	{ 0x2000, "POLLRDHUP" },
};

static const struct xlat epoll_create_flags[] = {
	{ 02000000, "EPOLL_CLOEXEC" },
};

static const struct xlat efd_flags[] = {
	{ 1, "EFD_SEMAPHORE" }, { 04000, "EFD_NONBLOCK" },
	{ 02000000, "EFD_CLOEXEC" },
};

static const struct xlat tfd_flags[] = {
	{ 04000, "TFD_NONBLOCK" }, { 02000000, "TFD_CLOEXEC" },
};

static const struct xlat sfd_flags[] = {
	{ 04000, "SFD_NONBLOCK" }, { 02000000, "SFD_CLOEXEC" },
};

static const struct xlat mfd_flags[] = {
	{ 0x1, "MFD_CLOEXEC" },		{ 0x2, "MFD_ALLOW_SEALING" },
	{ 0x4, "MFD_HUGETLB" },		{ 0x8, "MFD_NOEXEC_SEAL" },
	{ 0x10, "MFD_EXEC" },
};

static const struct xlat rename_flags[] = {
	{ 1, "RENAME_NOREPLACE" }, { 2, "RENAME_EXCHANGE" },
	{ 4, "RENAME_WHITEOUT" },
};

static const struct xlat close_range_flags[] = {
	{ 2, "CLOSE_RANGE_UNSHARE" }, { 4, "CLOSE_RANGE_CLOEXEC" },
};

static const struct xlat flock_ops[] = {
	{ 1, "LOCK_SH" }, { 2, "LOCK_EX" }, { 4, "LOCK_NB" }, { 8, "LOCK_UN" },
};

static const struct xlat fadvise_advice[] = {
	{ 0, "POSIX_FADV_NORMAL" },	{ 1, "POSIX_FADV_RANDOM" },
	{ 2, "POSIX_FADV_SEQUENTIAL" },	{ 3, "POSIX_FADV_WILLNEED" },
	{ 4, "POSIX_FADV_DONTNEED" },	{ 5, "POSIX_FADV_NOREUSE" },
};

static const struct xlat seal_flags[] = {
	{ 0x1, "F_SEAL_SEAL" },		{ 0x2, "F_SEAL_SHRINK" },
	{ 0x4, "F_SEAL_GROW" },		{ 0x8, "F_SEAL_WRITE" },
	{ 0x10, "F_SEAL_FUTURE_WRITE" },
};

static const struct xlat prctl_options[] = {
	{ 1, "PR_SET_PDEATHSIG" },	{ 2, "PR_GET_PDEATHSIG" },
	{ 3, "PR_GET_DUMPABLE" },	{ 4, "PR_SET_DUMPABLE" },
	{ 7, "PR_GET_KEEPCAPS" },	{ 8, "PR_SET_KEEPCAPS" },
	{ 15, "PR_SET_NAME" },		{ 16, "PR_GET_NAME" },
	{ 21, "PR_GET_SECCOMP" },	{ 22, "PR_SET_SECCOMP" },
	{ 23, "PR_CAPBSET_READ" },	{ 24, "PR_CAPBSET_DROP" },
	{ 29, "PR_SET_TIMERSLACK" },	{ 30, "PR_GET_TIMERSLACK" },
	{ 35, "PR_SET_MM" },		{ 36, "PR_SET_CHILD_SUBREAPER" },
	{ 37, "PR_GET_CHILD_SUBREAPER" }, { 38, "PR_SET_NO_NEW_PRIVS" },
	{ 39, "PR_GET_NO_NEW_PRIVS" },	{ 41, "PR_SET_THP_DISABLE" },
	{ 42, "PR_GET_THP_DISABLE" },	{ 47, "PR_CAP_AMBIENT" },
	{ 0x59616d61, "PR_SET_PTRACER" }, { 0x53564d41, "PR_SET_VMA" },
};

/* ---- Argument kinds --------------------------------------------------- */

enum arg_kind {
	A_END,		/* after the last argument */
	A_SKIP,		/* an argument strace does not show */

	/* numbers */
	A_INT, A_UINT, A_LONG, A_ULONG, A_HEX,
	A_PTR,		/* address of something not decoded: NULL or hex */
	A_OCT,		/* a file mode */
	A_DIRFD,	/* AT_FDCWD or a descriptor */

	/* program memory read at the time of formatting */
	A_PATH, A_STR,	/* NUL-terminated; PATH_SHOWN or STRING_MAX */
	A_WBUF,		/* bytes the call reads; the length follows */
	A_RBUF,		/* bytes the call wrote; the result is the length */
	A_RBUF_HEX,	/* the same, all in \x form (getrandom) */
	A_RPATH,	/* readlink's result: a path of result bytes */
	A_OUTSTR,	/* a string the call wrote (getcwd, PR_GET_NAME) */
	A_IOV_W, A_IOV_R, /* iovec arrays, the count follows */
	A_ARGV, A_ENVP,
	A_DIRENTS,	/* getdents buffer: address and entry count */
	A_SIGSET, A_SIGSET_OUT,
	A_SIGACTION, A_SIGACTION_OUT,
	A_TIMESPEC, A_TIMESPEC_OUT,
	A_RLIMIT, A_RLIMIT_OUT,
	A_PIPEFDS,	/* int[2] the call filled */
	A_WAIT_STATUS,
	A_EPOLL_EVENT,
	A_POLLFDS,	/* pollfd array, the count follows */
	A_CPUSET,	/* bitmap, its byte size before it */
	A_CPUSET_OUT,	/* bitmap, the result is its byte size */
	A_UNAME,
	A_CLONE3_ARGS,
	A_ARCH_ADDR,	/* arch_prctl's value, or where the call stored it */

	/* words with named values, decoded by code */
	A_SIG, A_OFLAGS, A_MAPFLAGS, A_STATX_FLAGS, A_SOCKTYPE, A_SOCKPROTO,
	A_CLONE_FLAGS, A_MPOL_MODE, A_FUTEX_OP, A_FUTEX_BITSET, A_FCNTL_CMD,

	/* words with named values, decoded by kind_xlats[] */
	A_OFLAGS_BARE,	/* open flags without an access mode (pipe2, dup3) */
	A_FD_FLAGS,	/* FD_CLOEXEC */
	A_ATFLAGS, A_ACCESS_ATFLAGS, A_UNLINK_FLAGS, A_STATX_MASK,
	A_ACCESS_MODE, A_PROT, A_MADV, A_MREMAP_FLAGS, A_MSYNC_FLAGS,
	A_MLOCKALL_FLAGS, A_MBIND_FLAGS, A_SIGHOW, A_SA_FLAGS, A_IOCTL_REQ,
	A_WHENCE, A_ARCH_CODE, A_PR_OPTION, A_RLIMIT_RES, A_GRND_FLAGS,
	A_AF, A_SOCKFLAGS, A_MSG_FLAGS, A_SHUT_HOW, A_CLOCK, A_TIMER_FLAGS,
	A_WAIT_OPTIONS, A_IDTYPE, A_RUSAGE_WHO, A_PRIO_WHICH, A_ITIMER,
	A_EPOLL_OP, A_EPOLL_FLAGS, A_EFD_FLAGS, A_TFD_FLAGS, A_SFD_FLAGS,
	A_MFD_FLAGS, A_RENAME_FLAGS, A_CLOSE_RANGE_FLAGS, A_FLOCK_OP,
	A_FADVISE, A_SEALS,

	A_NKINDS
};

static const struct xlat_set kind_xlats[A_NKINDS] = {
	[A_OFLAGS_BARE]		= FLAGS(open_flags, NULL, "O"),
	[A_FD_FLAGS]		= FLAGS(fd_flags, NULL, "FD"),
	[A_ATFLAGS]		= FLAGS(at_flags, NULL, "AT"),
	[A_ACCESS_ATFLAGS]	= FLAGS(access_at_flags, NULL, "AT"),
	[A_UNLINK_FLAGS]	= FLAGS(unlink_flags, NULL, "AT"),
	[A_STATX_MASK]		= FLAGS(statx_masks, NULL, "STATX"),
	[A_ACCESS_MODE]		= FLAGS(access_modes, "F_OK", NULL),
	[A_PROT]		= FLAGS(prot_flags, "PROT_NONE", "PROT"),
	[A_MADV]		= VALUES(madv_advice, "MADV"),
	[A_MREMAP_FLAGS]	= FLAGS(mremap_flags, NULL, "MREMAP"),
	[A_MSYNC_FLAGS]		= FLAGS(msync_flags, NULL, "MS"),
	[A_MLOCKALL_FLAGS]	= FLAGS(mlockall_flags, NULL, "MCL"),
	[A_MBIND_FLAGS]		= FLAGS(mbind_flags, NULL, "MPOL_MF"),
	[A_SIGHOW]		= VALUES(sighows, "SIG"),
	[A_SA_FLAGS]		= FLAGS(sa_flags, NULL, "SA"),
	[A_IOCTL_REQ]		= VALUES(ioctl_requests, NULL),
	[A_WHENCE]		= VALUES(seek_whences, "SEEK"),
	[A_ARCH_CODE]		= VALUES(arch_codes, "ARCH"),
	[A_PR_OPTION]		= VALUES(prctl_options, "PR"),
	[A_RLIMIT_RES]		= VALUES(rlimit_resources, "RLIMIT"),
	[A_GRND_FLAGS]		= FLAGS(grnd_flags, NULL, "GRND"),
	[A_AF]			= VALUES(address_families, "AF"),
	[A_SOCKFLAGS]		= FLAGS(sock_flags, NULL, "SOCK"),
	[A_MSG_FLAGS]		= FLAGS(msg_flags, NULL, "MSG"),
	[A_SHUT_HOW]		= VALUES(shut_hows, "SHUT"),
	[A_CLOCK]		= VALUES(clock_ids, "CLOCK"),
	[A_TIMER_FLAGS]		= FLAGS(timer_flags, NULL, "TIMER"),
	[A_WAIT_OPTIONS]	= FLAGS(wait_options, NULL, "W"),
	[A_IDTYPE]		= VALUES(waitid_types, "P"),
	[A_RUSAGE_WHO]		= VALUES(rusage_whos, "RUSAGE"),
	[A_PRIO_WHICH]		= VALUES(prio_whichs, "PRIO"),
	[A_ITIMER]		= VALUES(itimer_whichs, "ITIMER"),
	[A_EPOLL_OP]		= VALUES(epoll_ops, "EPOLL_CTL"),
	[A_EPOLL_FLAGS]		= FLAGS(epoll_create_flags, NULL, "EPOLL"),
	[A_EFD_FLAGS]		= FLAGS(efd_flags, NULL, "EFD"),
	[A_TFD_FLAGS]		= FLAGS(tfd_flags, NULL, "TFD"),
	[A_SFD_FLAGS]		= FLAGS(sfd_flags, NULL, "SFD"),
	[A_MFD_FLAGS]		= FLAGS(mfd_flags, NULL, "MFD"),
	[A_RENAME_FLAGS]	= FLAGS(rename_flags, NULL, "RENAME"),
	[A_CLOSE_RANGE_FLAGS]	= FLAGS(close_range_flags, NULL, "CLOSE_RANGE"),
	[A_FLOCK_OP]		= FLAGS(flock_ops, NULL, "LOCK"),
	[A_FADVISE]		= VALUES(fadvise_advice, "POSIX_FADV"),
	[A_SEALS]		= FLAGS(seal_flags, NULL, "F_SEAL"),
};

/* Parts of words that code puts together. */
static const struct xlat_set accmode_set = VALUES(open_accmodes, NULL);
static const struct xlat_set statx_sync_set = VALUES(statx_sync_types, NULL);
static const struct xlat_set mpol_mode_set = VALUES(mpol_modes, "MPOL");
static const struct xlat_set ip_protocol_set = VALUES(ip_protocols, "IPPROTO");
static const struct xlat_set epoll_event_set = FLAGS(epoll_events, NULL,
						     "EPOLL");
static const struct xlat_set poll_event_set = FLAGS(poll_events, NULL, "POLL");

/* ---- Calls whose layout depends on an argument ------------------------ */

/* One shown argument: which raw argument, how it prints, and a label. */
struct slot {
	u8 idx;
	u8 kind;
	const char *label;	/* "flags=" for clone; NULL for most */
};

struct layout {
	int n;
	struct slot s[6];
};

/* futex, by command: which of the six arguments it uses, as strace. */
static const struct futex_cmd {
	const char *name;
	u8 n;
	struct { u8 idx, kind; } s[6];
} futex_cmds[] = {
	[0] = { "FUTEX_WAIT", 4,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 3, A_TIMESPEC } } },
	[1] = { "FUTEX_WAKE", 3,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT } } },
	[2] = { "FUTEX_FD", 3,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_SIG } } },
	[3] = { "FUTEX_REQUEUE", 5,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 3, A_UINT }, { 4, A_PTR } } },
	[4] = { "FUTEX_CMP_REQUEUE", 6,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 3, A_UINT }, { 4, A_PTR }, { 5, A_UINT } } },
	[5] = { "FUTEX_WAKE_OP", 6,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 3, A_UINT }, { 4, A_PTR }, { 5, A_HEX } } },
	[6] = { "FUTEX_LOCK_PI", 3,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 3, A_TIMESPEC } } },
	[7] = { "FUTEX_UNLOCK_PI", 2,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP } } },
	[8] = { "FUTEX_TRYLOCK_PI", 2,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP } } },
	[9] = { "FUTEX_WAIT_BITSET", 5,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 3, A_TIMESPEC }, { 5, A_FUTEX_BITSET } } },
	[10] = { "FUTEX_WAKE_BITSET", 4,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 5, A_FUTEX_BITSET } } },
	[11] = { "FUTEX_WAIT_REQUEUE_PI", 5,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 3, A_TIMESPEC }, { 4, A_PTR } } },
	[12] = { "FUTEX_CMP_REQUEUE_PI", 6,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 2, A_UINT },
		  { 3, A_UINT }, { 4, A_PTR }, { 5, A_UINT } } },
	[13] = { "FUTEX_LOCK_PI2", 3,
		{ { 0, A_PTR }, { 1, A_FUTEX_OP }, { 3, A_TIMESPEC } } },
};

/* The command of a futex op word, with the two modifier bits off. */
static unsigned int futex_cmd_of(long op)
{
	return (unsigned int)op &
	       ~(unsigned int)(L_FUTEX_PRIVATE_FLAG | L_FUTEX_CLOCK_REALTIME);
}

/*
 * fcntl, by command: what its third argument is (A_END: none) and, for
 * F_GETFD and F_GETFL, how the flags it returns decode.
 */
static const struct fcntl_cmd {
	unsigned int cmd;
	const char *name;
	u8 arg;
	u8 ret;
} fcntl_cmds[] = {
	{ 0, "F_DUPFD", A_INT, A_END },
	{ 1, "F_GETFD", A_END, A_FD_FLAGS },
	{ 2, "F_SETFD", A_FD_FLAGS, A_END },
	{ 3, "F_GETFL", A_END, A_OFLAGS },
	{ 4, "F_SETFL", A_OFLAGS, A_END },
	{ 5, "F_GETLK", A_PTR, A_END },
	{ 6, "F_SETLK", A_PTR, A_END },
	{ 7, "F_SETLKW", A_PTR, A_END },
	{ 8, "F_SETOWN", A_INT, A_END },
	{ 9, "F_GETOWN", A_END, A_END },
	{ 10, "F_SETSIG", A_SIG, A_END },
	{ 11, "F_GETSIG", A_END, A_END },
	{ 15, "F_SETOWN_EX", A_PTR, A_END },
	{ 16, "F_GETOWN_EX", A_PTR, A_END },
	{ 36, "F_OFD_GETLK", A_PTR, A_END },
	{ 37, "F_OFD_SETLK", A_PTR, A_END },
	{ 38, "F_OFD_SETLKW", A_PTR, A_END },
	{ 1024, "F_SETLEASE", A_INT, A_END },
	{ 1025, "F_GETLEASE", A_END, A_END },
	{ 1026, "F_NOTIFY", A_HEX, A_END },
	{ 1030, "F_DUPFD_CLOEXEC", A_INT, A_END },
	{ 1031, "F_SETPIPE_SZ", A_INT, A_END },
	{ 1032, "F_GETPIPE_SZ", A_END, A_END },
	{ 1033, "F_ADD_SEALS", A_SEALS, A_END },
	{ 1034, "F_GET_SEALS", A_END, A_END },
};

static const struct fcntl_cmd *fcntl_cmd_of(long cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fcntl_cmds); i++)
		if (fcntl_cmds[i].cmd == (unsigned int)cmd)
			return &fcntl_cmds[i];
	return NULL;
}

/* prctl, by option: the arguments after the option that it uses. */
#define ULONG_X4	{ A_ULONG, A_ULONG, A_ULONG, A_ULONG }

static const struct prctl_args {
	unsigned int option;
	u8 n;
	u8 arg[4];
} prctl_args[] = {
	{ 1, 1, { A_SIG } },		/* PR_SET_PDEATHSIG */
	{ 2, 1, { A_PTR } },		/* PR_GET_PDEATHSIG */
	{ 3, 0, { A_END } },		/* PR_GET_DUMPABLE */
	{ 4, 1, { A_ULONG } },		/* PR_SET_DUMPABLE */
	{ 7, 0, { A_END } },		/* PR_GET_KEEPCAPS */
	{ 8, 1, { A_ULONG } },		/* PR_SET_KEEPCAPS */
	{ 15, 1, { A_STR } },		/* PR_SET_NAME */
	{ 16, 1, { A_OUTSTR } },	/* PR_GET_NAME */
	{ 21, 0, { A_END } },		/* PR_GET_SECCOMP */
	{ 22, 2, { A_ULONG, A_PTR } },	/* PR_SET_SECCOMP */
	{ 23, 1, { A_ULONG } },		/* PR_CAPBSET_READ */
	{ 24, 1, { A_ULONG } },		/* PR_CAPBSET_DROP */
	{ 29, 1, { A_ULONG } },		/* PR_SET_TIMERSLACK */
	{ 30, 0, { A_END } },		/* PR_GET_TIMERSLACK */
	{ 36, 1, { A_ULONG } },		/* PR_SET_CHILD_SUBREAPER */
	{ 37, 1, { A_PTR } },		/* PR_GET_CHILD_SUBREAPER */
	{ 38, 4, ULONG_X4 },		/* PR_SET_NO_NEW_PRIVS */
	{ 39, 4, ULONG_X4 },		/* PR_GET_NO_NEW_PRIVS */
	{ 41, 4, ULONG_X4 },		/* PR_SET_THP_DISABLE */
	{ 42, 4, ULONG_X4 },		/* PR_GET_THP_DISABLE */
	{ 0x59616d61, 1, { A_INT } },	/* PR_SET_PTRACER */
	{ 0x53564d41, 4, { A_ULONG, A_PTR, A_ULONG, A_STR } },	/* PR_SET_VMA */
};

/* ---- The call table --------------------------------------------------- */

enum ret_kind {
	R_DEC = 1,	/* 0 in sc_descs[] marks a number with no row */
	R_HEX,		/* an address */
	R_OCT,		/* a file mode (umask) */
	R_FCNTL,	/* depends on the command */
	R_POLL,		/* decimal, then the revents of the ready fds */
};

struct sc_desc {
	u8 ret;
	u8 arg[6];	/* enum arg_kind, A_END after the last */
};

#define ARGS(...)	{ R_DEC, { __VA_ARGS__ } }
#define RET(r, ...)	{ r, { __VA_ARGS__ } }
#define NOARGS		{ R_DEC, { A_END } }

static const struct sc_desc sc_descs[NR_SYSCALLS] = {
	[NR_read] = ARGS(A_INT, A_RBUF, A_ULONG),
	[NR_write] = ARGS(A_INT, A_WBUF, A_ULONG),
	[NR_open] = ARGS(A_PATH, A_OFLAGS, A_OCT),
	[NR_close] = ARGS(A_INT),
	[NR_stat] = ARGS(A_PATH, A_PTR),
	[NR_fstat] = ARGS(A_INT, A_PTR),
	[NR_lstat] = ARGS(A_PATH, A_PTR),
	[NR_poll] = RET(R_POLL, A_POLLFDS, A_UINT, A_INT),
	[NR_lseek] = ARGS(A_INT, A_LONG, A_WHENCE),
	[NR_mmap] = RET(R_HEX, A_PTR, A_ULONG, A_PROT, A_MAPFLAGS, A_INT,
			A_HEX),
	[NR_mprotect] = ARGS(A_PTR, A_ULONG, A_PROT),
	[NR_munmap] = ARGS(A_PTR, A_ULONG),
	[NR_brk] = RET(R_HEX, A_PTR),
	[NR_rt_sigaction] = ARGS(A_SIG, A_SIGACTION, A_SIGACTION_OUT,
				 A_ULONG),
	[NR_rt_sigprocmask] = ARGS(A_SIGHOW, A_SIGSET, A_SIGSET_OUT, A_ULONG),
	[NR_rt_sigreturn] = NOARGS,
	[NR_ioctl] = ARGS(A_INT, A_IOCTL_REQ, A_HEX),
	[NR_pread64] = ARGS(A_INT, A_RBUF, A_ULONG, A_LONG),
	[NR_pwrite64] = ARGS(A_INT, A_WBUF, A_ULONG, A_LONG),
	[NR_readv] = ARGS(A_INT, A_IOV_R, A_INT),
	[NR_writev] = ARGS(A_INT, A_IOV_W, A_INT),
	[NR_access] = ARGS(A_PATH, A_ACCESS_MODE),
	[NR_pipe] = ARGS(A_PIPEFDS),
	[NR_select] = ARGS(A_INT, A_PTR, A_PTR, A_PTR, A_PTR),
	[NR_sched_yield] = NOARGS,
	[NR_mremap] = RET(R_HEX, A_PTR, A_ULONG, A_ULONG, A_MREMAP_FLAGS,
			  A_PTR),
	[NR_msync] = ARGS(A_PTR, A_ULONG, A_MSYNC_FLAGS),
	[NR_mincore] = ARGS(A_PTR, A_ULONG, A_PTR),
	[NR_madvise] = ARGS(A_PTR, A_ULONG, A_MADV),
	[NR_shmget] = ARGS(A_HEX, A_ULONG, A_HEX),
	[NR_shmat] = RET(R_HEX, A_INT, A_PTR, A_HEX),
	[NR_shmctl] = ARGS(A_INT, A_INT, A_PTR),
	[NR_dup] = ARGS(A_INT),
	[NR_dup2] = ARGS(A_INT, A_INT),
	[NR_pause] = NOARGS,
	[NR_nanosleep] = ARGS(A_TIMESPEC, A_PTR),
	[NR_getitimer] = ARGS(A_ITIMER, A_PTR),
	[NR_alarm] = ARGS(A_UINT),
	[NR_setitimer] = ARGS(A_ITIMER, A_PTR, A_PTR),
	[NR_getpid] = NOARGS,
	[NR_sendfile] = ARGS(A_INT, A_INT, A_PTR, A_ULONG),
	[NR_socket] = ARGS(A_AF, A_SOCKTYPE, A_SOCKPROTO),
	[NR_connect] = ARGS(A_INT, A_PTR, A_UINT),
	[NR_accept] = ARGS(A_INT, A_PTR, A_PTR),
	[NR_sendto] = ARGS(A_INT, A_WBUF, A_ULONG, A_MSG_FLAGS, A_PTR,
			   A_UINT),
	[NR_recvfrom] = ARGS(A_INT, A_RBUF, A_ULONG, A_MSG_FLAGS, A_PTR,
			     A_PTR),
	[NR_sendmsg] = ARGS(A_INT, A_PTR, A_MSG_FLAGS),
	[NR_recvmsg] = ARGS(A_INT, A_PTR, A_MSG_FLAGS),
	[NR_shutdown] = ARGS(A_INT, A_SHUT_HOW),
	[NR_bind] = ARGS(A_INT, A_PTR, A_UINT),
	[NR_listen] = ARGS(A_INT, A_INT),
	[NR_getsockname] = ARGS(A_INT, A_PTR, A_PTR),
	[NR_getpeername] = ARGS(A_INT, A_PTR, A_PTR),
	[NR_socketpair] = ARGS(A_AF, A_SOCKTYPE, A_SOCKPROTO, A_PIPEFDS),
	[NR_setsockopt] = ARGS(A_INT, A_INT, A_INT, A_PTR, A_UINT),
	[NR_getsockopt] = ARGS(A_INT, A_INT, A_INT, A_PTR, A_PTR),
	[NR_clone] = ARGS(A_CLONE_FLAGS, A_PTR, A_PTR, A_PTR, A_PTR),
	[NR_fork] = NOARGS,
	[NR_vfork] = NOARGS,
	[NR_execve] = ARGS(A_PATH, A_ARGV, A_ENVP),
	[NR_exit] = ARGS(A_INT),
	[NR_wait4] = ARGS(A_INT, A_WAIT_STATUS, A_WAIT_OPTIONS, A_PTR),
	[NR_kill] = ARGS(A_INT, A_SIG),
	[NR_uname] = ARGS(A_UNAME),
	[NR_semget] = ARGS(A_HEX, A_INT, A_HEX),
	[NR_semop] = ARGS(A_INT, A_PTR, A_UINT),
	[NR_semctl] = ARGS(A_INT, A_INT, A_INT, A_HEX),
	[NR_shmdt] = ARGS(A_PTR),
	[NR_msgget] = ARGS(A_HEX, A_HEX),
	[NR_msgsnd] = ARGS(A_INT, A_PTR, A_ULONG, A_HEX),
	[NR_msgrcv] = ARGS(A_INT, A_PTR, A_ULONG, A_LONG, A_HEX),
	[NR_msgctl] = ARGS(A_INT, A_INT, A_PTR),
	[NR_fcntl] = RET(R_FCNTL, A_INT, A_FCNTL_CMD, A_HEX),
	[NR_flock] = ARGS(A_INT, A_FLOCK_OP),
	[NR_fsync] = ARGS(A_INT),
	[NR_fdatasync] = ARGS(A_INT),
	[NR_truncate] = ARGS(A_PATH, A_LONG),
	[NR_ftruncate] = ARGS(A_INT, A_LONG),
	[NR_getdents] = ARGS(A_INT, A_DIRENTS, A_UINT),
	[NR_getcwd] = ARGS(A_OUTSTR, A_ULONG),
	[NR_chdir] = ARGS(A_PATH),
	[NR_fchdir] = ARGS(A_INT),
	[NR_rename] = ARGS(A_PATH, A_PATH),
	[NR_mkdir] = ARGS(A_PATH, A_OCT),
	[NR_rmdir] = ARGS(A_PATH),
	[NR_creat] = ARGS(A_PATH, A_OCT),
	[NR_link] = ARGS(A_PATH, A_PATH),
	[NR_unlink] = ARGS(A_PATH),
	[NR_symlink] = ARGS(A_PATH, A_PATH),
	[NR_readlink] = ARGS(A_PATH, A_RPATH, A_ULONG),
	[NR_chmod] = ARGS(A_PATH, A_OCT),
	[NR_fchmod] = ARGS(A_INT, A_OCT),
	[NR_chown] = ARGS(A_PATH, A_INT, A_INT),
	[NR_fchown] = ARGS(A_INT, A_INT, A_INT),
	[NR_lchown] = ARGS(A_PATH, A_INT, A_INT),
	[NR_umask] = RET(R_OCT, A_OCT),
	[NR_gettimeofday] = ARGS(A_PTR, A_PTR),
	[NR_getrlimit] = ARGS(A_RLIMIT_RES, A_RLIMIT_OUT),
	[NR_getrusage] = ARGS(A_RUSAGE_WHO, A_PTR),
	[NR_sysinfo] = ARGS(A_PTR),
	[NR_times] = ARGS(A_PTR),
	[NR_ptrace] = ARGS(A_LONG, A_INT, A_PTR, A_PTR),
	[NR_getuid] = NOARGS,
	[NR_syslog] = ARGS(A_INT, A_PTR, A_INT),
	[NR_getgid] = NOARGS,
	[NR_setuid] = ARGS(A_INT),
	[NR_setgid] = ARGS(A_INT),
	[NR_geteuid] = NOARGS,
	[NR_getegid] = NOARGS,
	[NR_setpgid] = ARGS(A_INT, A_INT),
	[NR_getppid] = NOARGS,
	[NR_getpgrp] = NOARGS,
	[NR_setsid] = NOARGS,
	[NR_setreuid] = ARGS(A_INT, A_INT),
	[NR_setregid] = ARGS(A_INT, A_INT),
	[NR_getgroups] = ARGS(A_INT, A_PTR),
	[NR_setgroups] = ARGS(A_INT, A_PTR),
	[NR_setresuid] = ARGS(A_INT, A_INT, A_INT),
	[NR_getresuid] = ARGS(A_PTR, A_PTR, A_PTR),
	[NR_setresgid] = ARGS(A_INT, A_INT, A_INT),
	[NR_getresgid] = ARGS(A_PTR, A_PTR, A_PTR),
	[NR_getpgid] = ARGS(A_INT),
	[NR_setfsuid] = ARGS(A_INT),
	[NR_setfsgid] = ARGS(A_INT),
	[NR_getsid] = ARGS(A_INT),
	[NR_capget] = ARGS(A_PTR, A_PTR),
	[NR_capset] = ARGS(A_PTR, A_PTR),
	[NR_rt_sigpending] = ARGS(A_SIGSET_OUT, A_ULONG),
	[NR_rt_sigtimedwait] = ARGS(A_SIGSET, A_PTR, A_TIMESPEC, A_ULONG),
	[NR_rt_sigqueueinfo] = ARGS(A_INT, A_SIG, A_PTR),
	[NR_rt_sigsuspend] = ARGS(A_SIGSET, A_ULONG),
	[NR_sigaltstack] = ARGS(A_PTR, A_PTR),
	[NR_utime] = ARGS(A_PATH, A_PTR),
	[NR_mknod] = ARGS(A_PATH, A_OCT, A_HEX),
	[NR_uselib] = ARGS(A_PATH),
	[NR_personality] = ARGS(A_HEX),
	[NR_ustat] = ARGS(A_HEX, A_PTR),
	[NR_statfs] = ARGS(A_PATH, A_PTR),
	[NR_fstatfs] = ARGS(A_INT, A_PTR),
	[NR_sysfs] = ARGS(A_INT, A_HEX, A_HEX),
	[NR_getpriority] = ARGS(A_PRIO_WHICH, A_INT),
	[NR_setpriority] = ARGS(A_PRIO_WHICH, A_INT, A_INT),
	[NR_sched_setparam] = ARGS(A_INT, A_PTR),
	[NR_sched_getparam] = ARGS(A_INT, A_PTR),
	[NR_sched_setscheduler] = ARGS(A_INT, A_INT, A_PTR),
	[NR_sched_getscheduler] = ARGS(A_INT),
	[NR_sched_get_priority_max] = ARGS(A_INT),
	[NR_sched_get_priority_min] = ARGS(A_INT),
	[NR_sched_rr_get_interval] = ARGS(A_INT, A_PTR),
	[NR_mlock] = ARGS(A_PTR, A_ULONG),
	[NR_munlock] = ARGS(A_PTR, A_ULONG),
	[NR_mlockall] = ARGS(A_MLOCKALL_FLAGS),
	[NR_munlockall] = NOARGS,
	[NR_vhangup] = NOARGS,
	[NR_modify_ldt] = ARGS(A_INT, A_PTR, A_ULONG),
	[NR_pivot_root] = ARGS(A_PATH, A_PATH),
	[NR__sysctl] = ARGS(A_PTR),
	[NR_prctl] = ARGS(A_PR_OPTION, A_HEX, A_HEX, A_HEX, A_HEX),
	[NR_arch_prctl] = ARGS(A_ARCH_CODE, A_ARCH_ADDR),
	[NR_adjtimex] = ARGS(A_PTR),
	[NR_setrlimit] = ARGS(A_RLIMIT_RES, A_RLIMIT),
	[NR_chroot] = ARGS(A_PATH),
	[NR_sync] = NOARGS,
	[NR_acct] = ARGS(A_PATH),
	[NR_settimeofday] = ARGS(A_PTR, A_PTR),
	[NR_mount] = ARGS(A_PATH, A_PATH, A_STR, A_HEX, A_PTR),
	[NR_umount2] = ARGS(A_PATH, A_HEX),
	[NR_swapon] = ARGS(A_PATH, A_HEX),
	[NR_swapoff] = ARGS(A_PATH),
	[NR_reboot] = ARGS(A_HEX, A_HEX, A_HEX, A_PTR),
	[NR_sethostname] = ARGS(A_WBUF, A_ULONG),
	[NR_setdomainname] = ARGS(A_WBUF, A_ULONG),
	[NR_iopl] = ARGS(A_INT),
	[NR_ioperm] = ARGS(A_ULONG, A_ULONG, A_INT),
	[NR_create_module] = ARGS(A_STR, A_ULONG),
	[NR_init_module] = ARGS(A_PTR, A_ULONG, A_STR),
	[NR_delete_module] = ARGS(A_STR, A_HEX),
	[NR_get_kernel_syms] = ARGS(A_PTR),
	[NR_query_module] = ARGS(A_STR, A_INT, A_PTR, A_ULONG, A_PTR),
	[NR_quotactl] = ARGS(A_HEX, A_PATH, A_INT, A_PTR),
	[NR_nfsservctl] = ARGS(A_INT, A_PTR, A_PTR),
	[NR_gettid] = NOARGS,
	[NR_readahead] = ARGS(A_INT, A_LONG, A_ULONG),
	[NR_setxattr] = ARGS(A_PATH, A_STR, A_WBUF, A_ULONG, A_HEX),
	[NR_lsetxattr] = ARGS(A_PATH, A_STR, A_WBUF, A_ULONG, A_HEX),
	[NR_fsetxattr] = ARGS(A_INT, A_STR, A_WBUF, A_ULONG, A_HEX),
	[NR_getxattr] = ARGS(A_PATH, A_STR, A_RBUF, A_ULONG),
	[NR_lgetxattr] = ARGS(A_PATH, A_STR, A_RBUF, A_ULONG),
	[NR_fgetxattr] = ARGS(A_INT, A_STR, A_RBUF, A_ULONG),
	[NR_listxattr] = ARGS(A_PATH, A_RBUF, A_ULONG),
	[NR_llistxattr] = ARGS(A_PATH, A_RBUF, A_ULONG),
	[NR_flistxattr] = ARGS(A_INT, A_RBUF, A_ULONG),
	[NR_removexattr] = ARGS(A_PATH, A_STR),
	[NR_lremovexattr] = ARGS(A_PATH, A_STR),
	[NR_fremovexattr] = ARGS(A_INT, A_STR),
	[NR_tkill] = ARGS(A_INT, A_SIG),
	[NR_time] = ARGS(A_PTR),
	[NR_futex] = ARGS(A_PTR, A_FUTEX_OP, A_HEX, A_HEX, A_HEX, A_HEX),
	[NR_sched_setaffinity] = ARGS(A_INT, A_UINT, A_CPUSET),
	[NR_sched_getaffinity] = ARGS(A_INT, A_UINT, A_CPUSET_OUT),
	[NR_set_thread_area] = ARGS(A_PTR),
	[NR_io_setup] = ARGS(A_UINT, A_PTR),
	[NR_io_destroy] = ARGS(A_HEX),
	[NR_io_getevents] = ARGS(A_HEX, A_LONG, A_LONG, A_PTR, A_TIMESPEC),
	[NR_io_submit] = ARGS(A_HEX, A_LONG, A_PTR),
	[NR_io_cancel] = ARGS(A_HEX, A_PTR, A_PTR),
	[NR_get_thread_area] = ARGS(A_PTR),
	[NR_lookup_dcookie] = ARGS(A_HEX, A_PTR, A_ULONG),
	[NR_epoll_create] = ARGS(A_INT),
	[NR_remap_file_pages] = ARGS(A_PTR, A_ULONG, A_PROT, A_ULONG, A_HEX),
	[NR_getdents64] = ARGS(A_INT, A_DIRENTS, A_UINT),
	[NR_set_tid_address] = ARGS(A_PTR),
	[NR_restart_syscall] = NOARGS,
	[NR_semtimedop] = ARGS(A_INT, A_PTR, A_UINT, A_TIMESPEC),
	[NR_fadvise64] = ARGS(A_INT, A_LONG, A_LONG, A_FADVISE),
	[NR_timer_create] = ARGS(A_CLOCK, A_PTR, A_PTR),
	[NR_timer_settime] = ARGS(A_INT, A_TIMER_FLAGS, A_PTR, A_PTR),
	[NR_timer_gettime] = ARGS(A_INT, A_PTR),
	[NR_timer_getoverrun] = ARGS(A_INT),
	[NR_timer_delete] = ARGS(A_INT),
	[NR_clock_settime] = ARGS(A_CLOCK, A_TIMESPEC),
	[NR_clock_gettime] = ARGS(A_CLOCK, A_TIMESPEC_OUT),
	[NR_clock_getres] = ARGS(A_CLOCK, A_TIMESPEC_OUT),
	[NR_clock_nanosleep] = ARGS(A_CLOCK, A_TIMER_FLAGS, A_TIMESPEC,
				    A_PTR),
	[NR_exit_group] = ARGS(A_INT),
	[NR_epoll_wait] = ARGS(A_INT, A_PTR, A_INT, A_INT),
	[NR_epoll_ctl] = ARGS(A_INT, A_EPOLL_OP, A_INT, A_EPOLL_EVENT),
	[NR_tgkill] = ARGS(A_INT, A_INT, A_SIG),
	[NR_utimes] = ARGS(A_PATH, A_PTR),
	[NR_mbind] = ARGS(A_PTR, A_ULONG, A_MPOL_MODE, A_PTR, A_ULONG,
			  A_MBIND_FLAGS),
	[NR_set_mempolicy] = ARGS(A_MPOL_MODE, A_PTR, A_ULONG),
	[NR_get_mempolicy] = ARGS(A_PTR, A_PTR, A_ULONG, A_PTR, A_HEX),
	[NR_mq_open] = ARGS(A_STR, A_OFLAGS, A_OCT, A_PTR),
	[NR_mq_unlink] = ARGS(A_STR),
	[NR_mq_timedsend] = ARGS(A_INT, A_WBUF, A_ULONG, A_UINT, A_TIMESPEC),
	[NR_mq_timedreceive] = ARGS(A_INT, A_RBUF, A_ULONG, A_PTR,
				    A_TIMESPEC),
	[NR_mq_notify] = ARGS(A_INT, A_PTR),
	[NR_mq_getsetattr] = ARGS(A_INT, A_PTR, A_PTR),
	[NR_kexec_load] = ARGS(A_HEX, A_ULONG, A_PTR, A_HEX),
	[NR_waitid] = ARGS(A_IDTYPE, A_INT, A_PTR, A_WAIT_OPTIONS, A_PTR),
	[NR_add_key] = ARGS(A_STR, A_STR, A_PTR, A_ULONG, A_INT),
	[NR_request_key] = ARGS(A_STR, A_STR, A_STR, A_INT),
	[NR_keyctl] = ARGS(A_INT, A_HEX, A_HEX, A_HEX, A_HEX),
	[NR_ioprio_set] = ARGS(A_INT, A_INT, A_INT),
	[NR_ioprio_get] = ARGS(A_INT, A_INT),
	[NR_inotify_init] = NOARGS,
	[NR_inotify_add_watch] = ARGS(A_INT, A_PATH, A_HEX),
	[NR_inotify_rm_watch] = ARGS(A_INT, A_INT),
	[NR_migrate_pages] = ARGS(A_INT, A_ULONG, A_PTR, A_PTR),
	[NR_openat] = ARGS(A_DIRFD, A_PATH, A_OFLAGS, A_OCT),
	[NR_mkdirat] = ARGS(A_DIRFD, A_PATH, A_OCT),
	[NR_mknodat] = ARGS(A_DIRFD, A_PATH, A_OCT, A_HEX),
	[NR_fchownat] = ARGS(A_DIRFD, A_PATH, A_INT, A_INT, A_ATFLAGS),
	[NR_futimesat] = ARGS(A_DIRFD, A_PATH, A_PTR),
	[NR_newfstatat] = ARGS(A_DIRFD, A_PATH, A_PTR, A_ATFLAGS),
	[NR_unlinkat] = ARGS(A_DIRFD, A_PATH, A_UNLINK_FLAGS),
	[NR_renameat] = ARGS(A_DIRFD, A_PATH, A_DIRFD, A_PATH),
	[NR_linkat] = ARGS(A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_ATFLAGS),
	[NR_symlinkat] = ARGS(A_PATH, A_DIRFD, A_PATH),
	[NR_readlinkat] = ARGS(A_DIRFD, A_PATH, A_RPATH, A_ULONG),
	[NR_fchmodat] = ARGS(A_DIRFD, A_PATH, A_OCT),
	[NR_faccessat] = ARGS(A_DIRFD, A_PATH, A_ACCESS_MODE),
	[NR_pselect6] = ARGS(A_INT, A_PTR, A_PTR, A_PTR, A_PTR, A_PTR),
	[NR_ppoll] = RET(R_POLL, A_POLLFDS, A_UINT, A_PTR, A_SIGSET,
			 A_ULONG),
	[NR_unshare] = ARGS(A_CLONE_FLAGS),
	[NR_set_robust_list] = ARGS(A_PTR, A_ULONG),
	[NR_get_robust_list] = ARGS(A_INT, A_PTR, A_PTR),
	[NR_splice] = ARGS(A_INT, A_PTR, A_INT, A_PTR, A_ULONG, A_HEX),
	[NR_tee] = ARGS(A_INT, A_INT, A_ULONG, A_HEX),
	[NR_sync_file_range] = ARGS(A_INT, A_LONG, A_LONG, A_HEX),
	[NR_vmsplice] = ARGS(A_INT, A_IOV_W, A_ULONG, A_HEX),
	[NR_move_pages] = ARGS(A_INT, A_ULONG, A_PTR, A_PTR, A_PTR, A_HEX),
	[NR_utimensat] = ARGS(A_DIRFD, A_PATH, A_PTR, A_ATFLAGS),
	[NR_epoll_pwait] = ARGS(A_INT, A_PTR, A_INT, A_INT, A_SIGSET,
				A_ULONG),
	[NR_signalfd] = ARGS(A_INT, A_SIGSET, A_ULONG),
	[NR_timerfd_create] = ARGS(A_CLOCK, A_TFD_FLAGS),
	[NR_eventfd] = ARGS(A_UINT),
	[NR_fallocate] = ARGS(A_INT, A_HEX, A_LONG, A_LONG),
	[NR_timerfd_settime] = ARGS(A_INT, A_HEX, A_PTR, A_PTR),
	[NR_timerfd_gettime] = ARGS(A_INT, A_PTR),
	[NR_accept4] = ARGS(A_INT, A_PTR, A_PTR, A_SOCKFLAGS),
	[NR_signalfd4] = ARGS(A_INT, A_SIGSET, A_ULONG, A_SFD_FLAGS),
	[NR_eventfd2] = ARGS(A_UINT, A_EFD_FLAGS),
	[NR_epoll_create1] = ARGS(A_EPOLL_FLAGS),
	[NR_dup3] = ARGS(A_INT, A_INT, A_OFLAGS_BARE),
	[NR_pipe2] = ARGS(A_PIPEFDS, A_OFLAGS_BARE),
	[NR_inotify_init1] = ARGS(A_OFLAGS_BARE),
	[NR_preadv] = ARGS(A_INT, A_IOV_R, A_INT, A_LONG),
	[NR_pwritev] = ARGS(A_INT, A_IOV_W, A_INT, A_LONG),
	[NR_rt_tgsigqueueinfo] = ARGS(A_INT, A_INT, A_SIG, A_PTR),
	[NR_perf_event_open] = ARGS(A_PTR, A_INT, A_INT, A_INT, A_HEX),
	[NR_recvmmsg] = ARGS(A_INT, A_PTR, A_UINT, A_MSG_FLAGS, A_PTR),
	[NR_fanotify_init] = ARGS(A_HEX, A_HEX),
	[NR_fanotify_mark] = ARGS(A_INT, A_HEX, A_HEX, A_DIRFD, A_PATH),
	[NR_prlimit64] = ARGS(A_INT, A_RLIMIT_RES, A_RLIMIT, A_RLIMIT_OUT),
	[NR_name_to_handle_at] = ARGS(A_DIRFD, A_PATH, A_PTR, A_PTR,
				      A_ATFLAGS),
	[NR_open_by_handle_at] = ARGS(A_INT, A_PTR, A_OFLAGS),
	[NR_clock_adjtime] = ARGS(A_CLOCK, A_PTR),
	[NR_syncfs] = ARGS(A_INT),
	[NR_sendmmsg] = ARGS(A_INT, A_PTR, A_UINT, A_MSG_FLAGS),
	[NR_setns] = ARGS(A_INT, A_CLONE_FLAGS),
	[NR_getcpu] = ARGS(A_PTR, A_PTR, A_PTR),
	[NR_process_vm_readv] = ARGS(A_INT, A_PTR, A_ULONG, A_PTR, A_ULONG,
				     A_HEX),
	[NR_process_vm_writev] = ARGS(A_INT, A_PTR, A_ULONG, A_PTR, A_ULONG,
				      A_HEX),
	[NR_kcmp] = ARGS(A_INT, A_INT, A_INT, A_HEX, A_HEX),
	[NR_finit_module] = ARGS(A_INT, A_STR, A_HEX),
	[NR_sched_setattr] = ARGS(A_INT, A_PTR, A_HEX),
	[NR_sched_getattr] = ARGS(A_INT, A_PTR, A_UINT, A_HEX),
	[NR_renameat2] = ARGS(A_DIRFD, A_PATH, A_DIRFD, A_PATH,
			      A_RENAME_FLAGS),
	[NR_seccomp] = ARGS(A_UINT, A_HEX, A_PTR),
	[NR_getrandom] = ARGS(A_RBUF_HEX, A_ULONG, A_GRND_FLAGS),
	[NR_memfd_create] = ARGS(A_STR, A_MFD_FLAGS),
	[NR_kexec_file_load] = ARGS(A_INT, A_INT, A_ULONG, A_STR, A_HEX),
	[NR_bpf] = ARGS(A_INT, A_PTR, A_UINT),
	[NR_execveat] = ARGS(A_DIRFD, A_PATH, A_ARGV, A_ENVP, A_ATFLAGS),
	[NR_userfaultfd] = ARGS(A_OFLAGS_BARE),
	[NR_membarrier] = ARGS(A_HEX, A_HEX, A_INT),
	[NR_mlock2] = ARGS(A_PTR, A_ULONG, A_HEX),
	[NR_copy_file_range] = ARGS(A_INT, A_PTR, A_INT, A_PTR, A_ULONG,
				    A_HEX),
	[NR_preadv2] = ARGS(A_INT, A_IOV_R, A_INT, A_LONG, A_SKIP, A_HEX),
	[NR_pwritev2] = ARGS(A_INT, A_IOV_W, A_INT, A_LONG, A_SKIP, A_HEX),
	[NR_pkey_mprotect] = ARGS(A_PTR, A_ULONG, A_PROT, A_INT),
	[NR_pkey_alloc] = ARGS(A_HEX, A_HEX),
	[NR_pkey_free] = ARGS(A_INT),
	[NR_statx] = ARGS(A_DIRFD, A_PATH, A_STATX_FLAGS, A_STATX_MASK, A_PTR),
	[NR_io_pgetevents] = ARGS(A_HEX, A_LONG, A_LONG, A_PTR, A_TIMESPEC,
				  A_PTR),
	[NR_rseq] = ARGS(A_PTR, A_HEX, A_INT, A_HEX),
	[NR_pidfd_send_signal] = ARGS(A_INT, A_SIG, A_PTR, A_HEX),
	[NR_io_uring_setup] = ARGS(A_UINT, A_PTR),
	[NR_io_uring_enter] = ARGS(A_INT, A_UINT, A_UINT, A_HEX, A_PTR,
				   A_ULONG),
	[NR_io_uring_register] = ARGS(A_INT, A_UINT, A_PTR, A_UINT),
	[NR_open_tree] = ARGS(A_DIRFD, A_PATH, A_HEX),
	[NR_move_mount] = ARGS(A_DIRFD, A_PATH, A_DIRFD, A_PATH, A_HEX),
	[NR_fsopen] = ARGS(A_STR, A_HEX),
	[NR_fsconfig] = ARGS(A_INT, A_UINT, A_STR, A_PTR, A_INT),
	[NR_fsmount] = ARGS(A_INT, A_HEX, A_HEX),
	[NR_fspick] = ARGS(A_DIRFD, A_PATH, A_HEX),
	[NR_pidfd_open] = ARGS(A_INT, A_HEX),
	[NR_clone3] = ARGS(A_CLONE3_ARGS, A_ULONG),
	[NR_close_range] = ARGS(A_UINT, A_UINT, A_CLOSE_RANGE_FLAGS),
	[NR_openat2] = ARGS(A_DIRFD, A_PATH, A_PTR, A_ULONG),
	[NR_pidfd_getfd] = ARGS(A_INT, A_INT, A_HEX),
	[NR_faccessat2] = ARGS(A_DIRFD, A_PATH, A_ACCESS_MODE,
			       A_ACCESS_ATFLAGS),
	[NR_process_madvise] = ARGS(A_INT, A_PTR, A_ULONG, A_MADV, A_HEX),
	[NR_epoll_pwait2] = ARGS(A_INT, A_PTR, A_INT, A_TIMESPEC, A_SIGSET,
				 A_ULONG),
	[NR_mount_setattr] = ARGS(A_DIRFD, A_PATH, A_HEX, A_PTR, A_ULONG),
	[NR_quotactl_fd] = ARGS(A_INT, A_HEX, A_INT, A_PTR),
	[NR_landlock_create_ruleset] = ARGS(A_PTR, A_ULONG, A_HEX),
	[NR_landlock_add_rule] = ARGS(A_INT, A_INT, A_PTR, A_HEX),
	[NR_landlock_restrict_self] = ARGS(A_INT, A_HEX),
	[NR_memfd_secret] = ARGS(A_HEX),
	[NR_process_mrelease] = ARGS(A_INT, A_HEX),
	[NR_futex_waitv] = ARGS(A_PTR, A_UINT, A_HEX, A_TIMESPEC, A_CLOCK),
	[NR_set_mempolicy_home_node] = ARGS(A_PTR, A_ULONG, A_ULONG, A_HEX),
};

/* What is known about one call while its line is built. */
struct call {
	long nr;
	const long *args;
	long ret;
	bool done;	/* it came back, and ret is its result */
};

/* Did the call come back without an error, so that its output is there? */
static bool call_ok(const struct call *c)
{
	return c->done && !IS_ERR_VALUE(c->ret);
}

/* ---- Structures and arrays in program memory -------------------------- */

static void print_signame(struct line *l, long sig, bool bare)
{
	static const char *const names[32] = {
		[1] = "SIGHUP",		[2] = "SIGINT",
		[3] = "SIGQUIT",	[4] = "SIGILL",
		[5] = "SIGTRAP",	[6] = "SIGABRT",
		[7] = "SIGBUS",		[8] = "SIGFPE",
		[9] = "SIGKILL",	[10] = "SIGUSR1",
		[11] = "SIGSEGV",	[12] = "SIGUSR2",
		[13] = "SIGPIPE",	[14] = "SIGALRM",
		[15] = "SIGTERM",	[16] = "SIGSTKFLT",
		[17] = "SIGCHLD",	[18] = "SIGCONT",
		[19] = "SIGSTOP",	[20] = "SIGTSTP",
		[21] = "SIGTTIN",	[22] = "SIGTTOU",
		[23] = "SIGURG",	[24] = "SIGXCPU",
		[25] = "SIGXFSZ",	[26] = "SIGVTALRM",
		[27] = "SIGPROF",	[28] = "SIGWINCH",
		[29] = "SIGIO",		[30] = "SIGPWR",
		[31] = "SIGSYS",
	};
	const char *prefix = bare ? "" : "SIG";

	if (sig >= 1 && sig < 32)
		line_puts(l, names[sig] + (bare ? 3 : 0));
	else if (sig == 32)
		line_printf(l, "%sRTMIN", prefix);
	else if (sig > 32 && sig <= L_NSIG)
		line_printf(l, "%sRT_%ld", prefix, sig - 32);
	else
		line_printf(l, "%ld", sig);
}

/* A signal mask, inverted ("~[...]") when that is shorter, as strace. */
static void print_sigmask(struct line *l, u64 set)
{
	const char *sep = "";
	int sig, count = 0;

	for (sig = 1; sig <= L_NSIG; sig++)
		count += (set >> (sig - 1)) & 1;
	if (count > L_NSIG / 2) {
		line_putc(l, '~');
		set = ~set;
	}
	line_putc(l, '[');
	for (sig = 1; sig <= L_NSIG; sig++) {
		if (!((set >> (sig - 1)) & 1))
			continue;
		line_puts(l, sep);
		print_signame(l, sig, true);
		sep = " ";
	}
	line_putc(l, ']');
}

static void print_sigset(struct line *l, ulong uaddr)
{
	u64 set;

	if (uread(&set, uaddr, sizeof(set)))
		print_sigmask(l, set);
	else
		print_addr(l, uaddr);
}

/* The structure rt_sigaction takes on x86-64 (not glibc's sigaction). */
struct rt_sigaction_arg {
	ulong handler;
	ulong flags;
	ulong restorer;
	u64 mask;
};

static void print_sigaction(struct line *l, ulong uaddr)
{
	struct rt_sigaction_arg sa;

	if (!uread(&sa, uaddr, sizeof(sa))) {
		print_addr(l, uaddr);
		return;
	}
	line_puts(l, "{sa_handler=");
	if (sa.handler == 0)
		line_puts(l, "SIG_DFL");
	else if (sa.handler == 1)
		line_puts(l, "SIG_IGN");
	else
		line_printf(l, "%#lx", sa.handler);
	line_puts(l, ", sa_mask=");
	print_sigmask(l, sa.mask);
	line_puts(l, ", sa_flags=");
	print_xlat(l, &kind_xlats[A_SA_FLAGS], sa.flags);
	if (sa.flags & L_SA_RESTORER)
		line_printf(l, ", sa_restorer=%#lx", sa.restorer);
	line_putc(l, '}');
}

static void print_timespec(struct line *l, ulong uaddr)
{
	struct { s64 sec, nsec; } ts;

	if (uread(&ts, uaddr, sizeof(ts)))
		line_printf(l, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts.sec,
		    (long)ts.nsec);
	else
		print_addr(l, uaddr);
}

static void print_rlim(struct line *l, u64 v)
{
	if (v == ~(u64)0)
		line_puts(l, "RLIM64_INFINITY");
	else if (v && v % 1024 == 0)
		line_printf(l, "%lu*1024", (ulong)(v / 1024));
	else
		line_printf(l, "%lu", (ulong)v);
}

static void print_rlimit(struct line *l, ulong uaddr)
{
	u64 lim[2];

	if (!uread(lim, uaddr, sizeof(lim))) {
		print_addr(l, uaddr);
		return;
	}
	line_puts(l, "{rlim_cur=");
	print_rlim(l, lim[0]);
	line_puts(l, ", rlim_max=");
	print_rlim(l, lim[1]);
	line_putc(l, '}');
}

static void print_pipefds(struct line *l, ulong uaddr)
{
	int fds[2];

	if (uread(fds, uaddr, sizeof(fds)))
		line_printf(l, "[%d, %d]", fds[0], fds[1]);
	else
		print_addr(l, uaddr);
}

/* A wait status, in the words of the <sys/wait.h> macros. */
static void print_wait_status(struct line *l, ulong uaddr)
{
	int s;

	if (!uread(&s, uaddr, sizeof(s))) {
		print_addr(l, uaddr);
		return;
	}
	if ((s & 0x7f) == 0) {
		line_printf(l, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]",
		    (s >> 8) & 0xff);
	} else if ((s & 0xff) == 0x7f) {
		line_puts(l, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
		print_signame(l, (s >> 8) & 0xff, false);
		line_puts(l, "}]");
	} else if (s == 0xffff) {
		line_puts(l, "[{WIFCONTINUED(s)}]");
	} else {
		line_puts(l, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		print_signame(l, s & 0x7f, false);
		line_puts(l, s & 0x80 ? " && WCOREDUMP(s)}]" : "}]");
	}
}

/* struct epoll_event is packed on x86-64: 4 bytes of events, 8 of data. */
static void print_epoll_event(struct line *l, ulong uaddr)
{
	u8 raw[12];
	u32 events;
	u64 data;

	if (!uread(raw, uaddr, sizeof(raw))) {
		print_addr(l, uaddr);
		return;
	}
	memcpy(&events, raw, sizeof(events));
	memcpy(&data, raw + 4, sizeof(data));
	line_puts(l, "{events=");
	print_xlat(l, &epoll_event_set, events);
	line_printf(l, ", data={u32=%u, u64=%lu}}", (u32)data, (ulong)data);
}

/*
 * The pollfd array at @uaddr: the events asked for, or with @revents the
 * entries where something happened and what.
 */
static void print_pollfds(struct line *l, ulong uaddr, ulong nfds,
			  bool revents)
{
	struct { s32 fd; s16 events, revents; } p;
	size_t mark = l->len;
	const char *sep = "";
	ulong i, shown = 0;

	line_putc(l, '[');
	for (i = 0; i < nfds; i++) {
		if (!uread(&p, uaddr + i * sizeof(p), sizeof(p))) {
			l->len = mark;
			print_addr(l, uaddr);
			return;
		}
		if (revents && !p.revents)
			continue;
		line_puts(l, sep);
		sep = ", ";
		if (shown++ == ARRAY_MAX) {
			line_puts(l, "...");
			break;
		}
		line_printf(l, "{fd=%d, %s=", p.fd,
			    revents ? "revents" : "events");
		print_xlat(l, &poll_event_set,
			   (u16)(revents ? p.revents : p.events));
		line_putc(l, '}');
	}
	line_putc(l, ']');
}

/*
 * The iovec array at @uaddr with @count entries; for the data a call
 * wrote, @budget is how many bytes it wrote in all.
 */
static void print_iov(struct line *l, ulong uaddr, long count, ulong budget)
{
	struct { ulong base, len; } iov;
	size_t mark = l->len;
	long i;

	if (!uaddr || count < 0) {
		print_addr(l, uaddr);
		return;
	}
	line_putc(l, '[');
	for (i = 0; i < count; i++) {
		if (i)
			line_puts(l, ", ");
		if (i == ARRAY_MAX) {
			line_puts(l, "...");
			break;
		}
		if (!uread(&iov, uaddr + i * sizeof(iov), sizeof(iov))) {
			l->len = mark;
			print_addr(l, uaddr);
			return;
		}
		line_puts(l, "{iov_base=");
		print_ubuf(l, iov.base, MIN(iov.len, budget), STRING_MAX,
			   false);
		line_printf(l, ", iov_len=%lu}", iov.len);
		budget -= MIN(iov.len, budget);
	}
	line_putc(l, ']');
}

/* argv: ["a", "b", ...], at most ARRAY_MAX strings. */
static void print_strv(struct line *l, ulong uaddr)
{
	size_t mark = l->len;
	ulong p;
	int i;

	if (!uaddr) {
		line_puts(l, "NULL");
		return;
	}
	line_putc(l, '[');
	for (i = 0;; i++) {
		if (!uread(&p, uaddr + i * sizeof(p), sizeof(p))) {
			l->len = mark;
			print_addr(l, uaddr);
			return;
		}
		if (!p)
			break;
		if (i)
			line_puts(l, ", ");
		if (i == ARRAY_MAX) {
			line_puts(l, "...");
			break;
		}
		print_ustr(l, p, STRING_MAX);
	}
	line_putc(l, ']');
}

/* envp: its address and how many entries it has, as strace. */
static void print_envp(struct line *l, ulong uaddr)
{
	ulong p;
	int n;

	print_addr(l, uaddr);
	for (n = 0; n < ENV_SCAN_MAX; n++) {
		if (!uread(&p, uaddr + n * sizeof(p), sizeof(p)))
			return;
		if (!p)
			break;
	}
	line_printf(l, " /* %d%s var%s */", n, n == ENV_SCAN_MAX ? "+" : "",
	    n == 1 ? "" : "s");
}

/* A getdents buffer: its address and how many records the call wrote. */
static void print_dirents(struct line *l, ulong uaddr, ulong len)
{
	ulong off = 0, n = 0;
	u16 reclen;

	print_addr(l, uaddr);
	while (off < len) {
		/* d_reclen follows d_ino and d_off in both record formats */
		if (!uread(&reclen, uaddr + off + 16, sizeof(reclen)) ||
		    !reclen)
			return;
		off += reclen;
		n++;
	}
	line_printf(l, " /* %lu entr%s */", n, n == 1 ? "y" : "ies");
}

/* A CPU bitmap of @len bytes: the numbers of the set bits, "[0 1 5]". */
static void print_cpuset(struct line *l, ulong uaddr, ulong len)
{
	ulong shown = MIN(len, (ulong)CPUSET_MAX), done, n, bit;
	size_t mark = l->len;
	const char *sep = "";
	u8 chunk[CHUNK];

	line_putc(l, '[');
	for (done = 0; done < shown; done += n) {
		n = MIN(shown - done, (ulong)CHUNK);
		if (!uread(chunk, uaddr + done, n)) {
			l->len = mark;
			print_addr(l, uaddr);
			return;
		}
		for (bit = 0; bit < n * 8; bit++) {
			if (!(chunk[bit / 8] & (1u << (bit % 8))))
				continue;
			line_printf(l, "%s%lu", sep, done * 8 + bit);
			sep = " ";
		}
	}
	if (len > shown)
		line_printf(l, "%s...", sep);
	line_putc(l, ']');
}

/* struct utsname: the first two of its 65-byte fields, as strace. */
static void print_uname(struct line *l, ulong uaddr)
{
	line_puts(l, "{sysname=");
	print_ustr(l, uaddr, 64);
	line_puts(l, ", nodename=");
	print_ustr(l, uaddr + 65, 64);
	line_puts(l, ", ...}");
}

/* clone's flag word: CLONE_* names, then the exit signal. */
static void print_clone_flags(struct line *l, ulong flags)
{
	bool more = false;

	if (flags & ~(ulong)L_CSIGNAL)
		more = print_flag_names(l, false, clone_flags,
					ARRAY_SIZE(clone_flags),
					flags & ~(ulong)L_CSIGNAL);
	if (flags & L_CSIGNAL) {
		if (more)
			line_putc(l, '|');
		print_signame(l, flags & L_CSIGNAL, false);
	} else if (!more) {
		line_putc(l, '0');
	}
}

static void print_clone3_flags(struct line *l, u64 flags)
{
	ulong rest = flags & ~(ulong)0x80;
	bool more = false;

	if (flags & 0x80)
		more = print_flag_names(l, false, clone3_flags,
					ARRAY_SIZE(clone3_flags), 0x80);
	if (rest)
		more = print_flag_names(l, more, clone_flags,
					ARRAY_SIZE(clone_flags), rest);
	if (!more)
		line_putc(l, '0');
}

/* struct clone_args, the fields of its first version that matter. */
static void print_clone3_args(struct line *l, ulong uaddr, ulong size)
{
	struct {
		u64 flags, pidfd, child_tid, parent_tid, exit_signal;
		u64 stack, stack_size, tls;
	} ca;

	if (size < L_CLONE_ARGS_SIZE_VER0 || !uread(&ca, uaddr, sizeof(ca))) {
		print_addr(l, uaddr);
		return;
	}
	line_puts(l, "{flags=");
	print_clone3_flags(l, ca.flags);
	if (ca.flags & L_CLONE_PIDFD)
		line_printf(l, ", pidfd=%#lx", (ulong)ca.pidfd);
	if (ca.flags & (L_CLONE_CHILD_SETTID | L_CLONE_CHILD_CLEARTID))
		line_printf(l, ", child_tid=%#lx", (ulong)ca.child_tid);
	if (ca.flags & L_CLONE_PARENT_SETTID)
		line_printf(l, ", parent_tid=%#lx", (ulong)ca.parent_tid);
	line_puts(l, ", exit_signal=");
	print_signame(l, (long)ca.exit_signal, false);
	line_puts(l, ", stack=");
	print_addr(l, ca.stack);
	line_printf(l, ", stack_size=%#lx", (ulong)ca.stack_size);
	if (ca.flags & L_CLONE_SETTLS)
		line_printf(l, ", tls=%#lx", (ulong)ca.tls);
	line_putc(l, '}');
}

/*
 * arch_prctl's second argument: a value to set, or where a successful
 * ARCH_GET_FS or ARCH_GET_GS stored the base ("[0x7f...]").
 */
static void print_arch_addr(struct line *l, const struct call *c, ulong p)
{
	ulong base;

	if (c->args[0] != L_ARCH_GET_FS && c->args[0] != L_ARCH_GET_GS)
		line_printf(l, "%#lx", p);
	else if (call_ok(c) && uread(&base, p, sizeof(base)))
		line_printf(l, "[%#lx]", base);
	else
		print_addr(l, p);
}

/* ---- Words decoded by code -------------------------------------------- */

static void print_open_flags(struct line *l, unsigned int flags)
{
	print_xlat(l, &accmode_set, flags & L_O_ACCMODE);
	print_flag_names(l, true, open_flags, ARRAY_SIZE(open_flags),
			 flags & ~(unsigned int)L_O_ACCMODE);
}

static void print_mmap_flags(struct line *l, unsigned int flags)
{
	unsigned int huge = 0;
	const char *type;

	if (flags & L_MAP_HUGETLB) {
		huge = (flags >> L_MAP_HUGE_SHIFT) & L_MAP_HUGE_MASK;
		flags &= ~((unsigned int)L_MAP_HUGE_MASK << L_MAP_HUGE_SHIFT);
	}
	type = xlat_name(map_types, ARRAY_SIZE(map_types), flags & L_MAP_TYPE);
	if (type)
		line_puts(l, type);
	else
		line_printf(l, "%#x", flags & L_MAP_TYPE);
	print_flag_names(l, true, map_flags, ARRAY_SIZE(map_flags),
			 flags & ~(unsigned int)L_MAP_TYPE);
	if (huge)
		line_printf(l, "|%u<<MAP_HUGE_SHIFT", huge);
}

static void print_statx_flags(struct line *l, unsigned int flags)
{
	print_xlat(l, &statx_sync_set, flags & L_STATX_SYNC_TYPE);
	print_flag_names(l, true, at_flags, ARRAY_SIZE(at_flags),
			 flags & ~(unsigned int)L_STATX_SYNC_TYPE);
}

static void print_socktype(struct line *l, unsigned int type)
{
	const char *name = xlat_name(sock_types, ARRAY_SIZE(sock_types),
				     type & L_SOCK_TYPE_MASK);

	if (!name) {
		line_printf(l, "%#x /* SOCK_??? */", type);
		return;
	}
	line_puts(l, name);
	print_flag_names(l, true, sock_flags, ARRAY_SIZE(sock_flags),
			 type & ~(unsigned int)L_SOCK_TYPE_MASK);
}

static void print_mpol_mode(struct line *l, unsigned int mode)
{
	print_xlat(l, &mpol_mode_set, mode & ~(unsigned int)L_MPOL_MODE_FLAGS);
	print_flag_names(l, true, mpol_mode_flags, ARRAY_SIZE(mpol_mode_flags),
			 mode & L_MPOL_MODE_FLAGS);
}

static void print_futex_op(struct line *l, unsigned int op)
{
	unsigned int cmd = futex_cmd_of(op);

	if (cmd >= ARRAY_SIZE(futex_cmds)) {
		line_printf(l, "%#x /* FUTEX_??? */", op);
		return;
	}
	line_puts(l, futex_cmds[cmd].name);
	if (op & L_FUTEX_PRIVATE_FLAG)
		line_puts(l, "_PRIVATE");
	if (op & L_FUTEX_CLOCK_REALTIME)
		line_puts(l, "|FUTEX_CLOCK_REALTIME");
}

static void print_fcntl_cmd(struct line *l, unsigned int cmd)
{
	const struct fcntl_cmd *fc = fcntl_cmd_of(cmd);

	if (fc)
		line_puts(l, fc->name);
	else
		line_printf(l, "%#x /* F_??? */", cmd);
}

/*
 * Print @v as a word of @kind that needs no program memory and no other
 * argument.  Returns false if @kind is not such a kind.
 */
static bool print_word(struct line *l, u8 kind, long v)
{
	switch (kind) {
	case A_INT:
		line_printf(l, "%d", (int)v);
		break;
	case A_UINT:
		line_printf(l, "%u", (unsigned int)v);
		break;
	case A_LONG:
		line_printf(l, "%ld", v);
		break;
	case A_ULONG:
		line_printf(l, "%lu", (ulong)v);
		break;
	case A_HEX:
		line_printf(l, "%#lx", (ulong)v);
		break;
	case A_PTR:
		print_addr(l, v);
		break;
	case A_OCT:
		line_printf(l, "0%02o", (unsigned int)v);
		break;
	case A_DIRFD:
		if ((int)v == L_AT_FDCWD)
			line_puts(l, "AT_FDCWD");
		else
			line_printf(l, "%d", (int)v);
		break;
	case A_SIG:
		print_signame(l, (int)v, false);
		break;
	case A_OFLAGS:
		print_open_flags(l, v);
		break;
	case A_MAPFLAGS:
		print_mmap_flags(l, v);
		break;
	case A_STATX_FLAGS:
		print_statx_flags(l, v);
		break;
	case A_SOCKTYPE:
		print_socktype(l, v);
		break;
	case A_CLONE_FLAGS:
		print_clone_flags(l, v);
		break;
	case A_MPOL_MODE:
		print_mpol_mode(l, v);
		break;
	case A_FUTEX_OP:
		print_futex_op(l, v);
		break;
	case A_FUTEX_BITSET:
		if ((unsigned int)v == 0xffffffff)
			line_puts(l, "FUTEX_BITSET_MATCH_ANY");
		else
			line_printf(l, "%#x", (unsigned int)v);
		break;
	case A_FCNTL_CMD:
		print_fcntl_cmd(l, v);
		break;
	default:
		if (kind >= A_NKINDS || !kind_xlats[kind].tab)
			return false;
		print_xlat(l, &kind_xlats[kind], v);
		break;
	}
	return true;
}

/* ---- Arguments and result --------------------------------------------- */

/* The length argument that follows argument @idx, for buffers and arrays. */
static long next_arg(const struct call *c, int idx)
{
	return idx + 1 < 6 ? c->args[idx + 1] : 0;
}

static void print_arg(struct line *l, const struct call *c,
		      const struct slot *s)
{
	long v = c->args[s->idx];
	ulong p = v;

	if (s->label)
		line_puts(l, s->label);
	if (print_word(l, s->kind, v))
		return;

	switch (s->kind) {
	case A_PATH:
		print_ustr(l, p, PATH_SHOWN);
		return;
	case A_STR:
		print_ustr(l, p, STRING_MAX);
		return;
	case A_WBUF:
		print_ubuf(l, p, next_arg(c, s->idx), STRING_MAX, false);
		return;
	case A_IOV_W:
		print_iov(l, p, next_arg(c, s->idx), ~0UL);
		return;
	case A_ARGV:
		print_strv(l, p);
		return;
	case A_ENVP:
		print_envp(l, p);
		return;
	case A_SIGSET:
		print_sigset(l, p);
		return;
	case A_SIGACTION:
		print_sigaction(l, p);
		return;
	case A_TIMESPEC:
		print_timespec(l, p);
		return;
	case A_RLIMIT:
		print_rlimit(l, p);
		return;
	case A_EPOLL_EVENT:
		print_epoll_event(l, p);
		return;
	case A_POLLFDS:
		print_pollfds(l, p, (unsigned int)next_arg(c, s->idx), false);
		return;
	case A_CPUSET:
		print_cpuset(l, p, (unsigned int)c->args[s->idx - 1]);
		return;
	case A_CLONE3_ARGS:
		print_clone3_args(l, p, next_arg(c, s->idx));
		return;
	case A_ARCH_ADDR:
		print_arch_addr(l, c, p);
		return;
	case A_SOCKPROTO:
		if ((int)c->args[0] == L_AF_INET ||
		    (int)c->args[0] == L_AF_INET6)
			print_xlat(l, &ip_protocol_set, v);
		else
			line_printf(l, "%d", (int)v);
		return;
	}

	/* The rest is what the call wrote; there is none if it failed. */
	if (!call_ok(c) || !p) {
		print_addr(l, p);
		return;
	}
	switch (s->kind) {
	case A_RBUF:
	case A_RBUF_HEX:
		print_ubuf(l, p, c->ret, STRING_MAX, s->kind == A_RBUF_HEX);
		break;
	case A_RPATH:
		print_ubuf(l, p, c->ret, PATH_SHOWN, false);
		break;
	case A_OUTSTR:
		print_ustr(l, p, PATH_SHOWN);
		break;
	case A_IOV_R:
		print_iov(l, p, next_arg(c, s->idx), c->ret);
		break;
	case A_DIRENTS:
		print_dirents(l, p, c->ret);
		break;
	case A_SIGSET_OUT:
		print_sigset(l, p);
		break;
	case A_SIGACTION_OUT:
		print_sigaction(l, p);
		break;
	case A_TIMESPEC_OUT:
		print_timespec(l, p);
		break;
	case A_RLIMIT_OUT:
		print_rlimit(l, p);
		break;
	case A_PIPEFDS:
		print_pipefds(l, p);
		break;
	case A_WAIT_STATUS:
		if (c->ret > 0)
			print_wait_status(l, p);
		else
			print_addr(l, p);
		break;
	case A_CPUSET_OUT:
		print_cpuset(l, p, c->ret);
		break;
	case A_UNAME:
		print_uname(l, p);
		break;
	default:
		line_printf(l, "%#lx", p);
		break;
	}
}

static void add_slot(struct layout *lo, int idx, u8 kind, const char *label)
{
	lo->s[lo->n].idx = idx;
	lo->s[lo->n].kind = kind;
	lo->s[lo->n].label = label;
	lo->n++;
}

/*
 * The arguments to show for call @c: its row in sc_descs[], adjusted
 * where an argument decides what the others are.
 */
static void layout_call(const struct call *c, struct layout *lo)
{
	const struct sc_desc *d = NULL;
	const long *a = c->args;
	int i;

	lo->n = 0;
	if (c->nr >= 0 && c->nr < NR_SYSCALLS && sc_descs[c->nr].ret)
		d = &sc_descs[c->nr];
	if (!d) {
		for (i = 0; i < 6; i++)
			add_slot(lo, i, A_HEX, NULL);
		return;
	}

	switch (c->nr) {
	case NR_futex: {
		unsigned int cmd = futex_cmd_of(a[1]);

		if (cmd < ARRAY_SIZE(futex_cmds)) {
			const struct futex_cmd *fc = &futex_cmds[cmd];

			for (i = 0; i < fc->n; i++)
				add_slot(lo, fc->s[i].idx, fc->s[i].kind, NULL);
			return;
		}
		break;
	}
	case NR_clone:
		/* x86-64 order: flags, stack, parent_tid, child_tid, tls */
		add_slot(lo, 1, A_PTR, "child_stack=");
		add_slot(lo, 0, A_CLONE_FLAGS, "flags=");
		if (a[0] & L_CLONE_PARENT_SETTID)
			add_slot(lo, 2, A_PTR, "parent_tid=");
		if (a[0] & (L_CLONE_CHILD_SETTID | L_CLONE_CHILD_CLEARTID))
			add_slot(lo, 3, A_PTR, "child_tidptr=");
		if (a[0] & L_CLONE_SETTLS)
			add_slot(lo, 4, A_PTR, "tls=");
		return;
	case NR_prctl:
		add_slot(lo, 0, A_PR_OPTION, NULL);
		for (i = 0; i < (int)ARRAY_SIZE(prctl_args); i++) {
			const struct prctl_args *pa = &prctl_args[i];
			int j;

			if (pa->option != (unsigned int)a[0])
				continue;
			for (j = 0; j < pa->n; j++)
				add_slot(lo, j + 1, pa->arg[j], NULL);
			return;
		}
		for (i = 1; i < 5; i++)
			add_slot(lo, i, A_HEX, NULL);
		return;
	}

	for (i = 0; i < 6 && d->arg[i] != A_END; i++)
		add_slot(lo, i, d->arg[i], NULL);

	switch (c->nr) {
	case NR_open:
	case NR_openat:
		/* the mode means something only when a file may be made */
		if (!(a[lo->n - 2] & (L_O_CREAT | L_O_TMPFILE_BIT)))
			lo->n--;
		break;
	case NR_mremap:
		if (!(a[3] & L_MREMAP_FIXED))
			lo->n--;
		break;
	case NR_fcntl: {
		const struct fcntl_cmd *fc = fcntl_cmd_of(a[1]);

		if (fc && fc->arg == A_END)
			lo->n--;
		else if (fc)
			lo->s[2].kind = fc->arg;
		break;
	}
	}
}

static void print_result(struct line *l, const struct call *c, u8 ret)
{
	long r = c->ret;

	if (!c->done) {
		line_puts(l, " = ?");
		return;
	}
	if (IS_ERR_VALUE(r)) {
		const char *name = errno_name(-r);

		if (name)
			line_printf(l, " = -1 %s (%s)", name,
				    errno_texts[-r].msg);
		else
			line_printf(l, " = -1 (errno %ld)", -r);
		return;
	}

	switch (ret) {
	case R_HEX:
		line_printf(l, " = %#lx", (ulong)r);
		return;
	case R_OCT:
		line_printf(l, " = 0%02lo", (ulong)r);
		return;
	case R_FCNTL: {
		const struct fcntl_cmd *fc = fcntl_cmd_of(c->args[1]);

		if (fc && fc->ret != A_END &&
		    (r || (unsigned int)c->args[1] == L_F_GETFL)) {
			line_printf(l, " = %#lx (flags ", (ulong)r);
			print_word(l, fc->ret, r);
			line_putc(l, ')');
			return;
		}
		break;
	}
	case R_POLL:
		line_printf(l, " = %ld", r);
		if (r > 0) {
			line_puts(l, " (");
			print_pollfds(l, c->args[0],
				      (unsigned int)c->args[1], true);
			line_putc(l, ')');
		}
		return;
	}
	line_printf(l, " = %ld", r);
}

int trace_format(char *buf, size_t size, long nr, const long args[6],
		 long ret, bool entry_only)
{
	struct line l = { buf, size, 0 };
	struct call c = { nr, args, ret, !entry_only };
	const char *name = syscall_name(nr);
	struct layout lo;
	const char *sep = "";
	int i;

	if (name)
		line_puts(&l, name);
	else
		line_printf(&l, "syscall_%ld", nr);
	line_putc(&l, '(');
	layout_call(&c, &lo);
	for (i = 0; i < lo.n; i++) {
		if (lo.s[i].kind == A_SKIP)
			continue;
		line_puts(&l, sep);
		sep = ", ";
		print_arg(&l, &c, &lo.s[i]);
	}
	line_putc(&l, ')');
	print_result(&l, &c, name ? sc_descs[nr].ret : R_DEC);

	if (!size)
		return 0;
	l.len = MIN(l.len, size - 1);
	buf[l.len] = '\0';
	return (int)l.len;
}
