// SPDX-License-Identifier: MIT
/*
 * The ELF loader: validates an x86-64 ELF file, maps its PT_LOAD segments
 * (file-backed parts stay Linux mappings of the file so the page cache is
 * shared; bss is zeroed anonymous memory), loads its PT_INTERP the same
 * way, and builds the initial stack with argv, envp and a full auxv.
 *
 * Validation is separate from mapping so execve can refuse a bad file
 * while the old image is still intact.
 */
#include "exec.h"
#include "errno.h"
#include "lwk.h"
#include "lib/lib.h"
#include "arch/x86_64/unistd.h"

#define TASK_SIZE	0x7ffffffff000ULL
#define F_SETSIG	10
#define F_SETLEASE	1024
#define F_RDLCK		0
#define F_UNLCK		2
#define SIGURG		23
#define ET_DYN_BASE	0x555555554000ULL	/* Linux's ELF_ET_DYN_BASE */

int elf_check_header(const struct elf64_ehdr *eh, u64 file_size,
		     const char **why)
{
	if (file_size < 4 || memcmp(eh->e_ident, "\177ELF", 4)) {
		*why = "not an ELF file";
		return -ENOEXEC;
	}
	if (file_size < sizeof(*eh)) {
		*why = "truncated ELF file (header incomplete)";
		return -ENOEXEC;
	}
	if (eh->e_ident[4] != ELFCLASS64) {
		*why = "32-bit ELF file; tandem runs x86-64 programs only";
		return -ENOEXEC;
	}
	if (eh->e_ident[5] != ELFDATA2LSB || eh->e_machine != EM_X86_64) {
		*why = "wrong architecture; tandem runs x86-64 programs only";
		return -ENOEXEC;
	}
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
		*why = "not an executable ELF file (object or core file)";
		return -ENOEXEC;
	}
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > EXEC_MAX_PHDRS) {
		*why = "corrupt ELF file (bad program header table)";
		return -ENOEXEC;
	}
	if (eh->e_phoff > file_size ||
	    file_size - eh->e_phoff < (u64)eh->e_phnum * sizeof(struct elf64_phdr)) {
		*why = "truncated ELF file (program headers beyond its end)";
		return -ENOEXEC;
	}
	return 0;
}

int elf_check_phdrs(struct elf_image *img, u64 file_size, const char **why)
{
	u64 lo = ~0ULL, hi = 0;
	int i, loads = 0;

	img->interp = -1;
	for (i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];

		if (ph->p_type == PT_INTERP) {
			if (ph->p_filesz < 2 || ph->p_filesz > LWK_PATH_MAX ||
			    ph->p_offset > file_size ||
			    file_size - ph->p_offset < ph->p_filesz) {
				*why = "corrupt ELF file (bad PT_INTERP)";
				return -ENOEXEC;
			}
			img->interp = i;
			continue;
		}
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > file_size ||
		    file_size - ph->p_offset < ph->p_filesz) {
			*why = "truncated or corrupt ELF file (segment beyond its end)";
			return -ENOEXEC;
		}
		if ((ph->p_vaddr - ph->p_offset) & ~PAGE_MASK ||
		    ph->p_vaddr > TASK_SIZE || TASK_SIZE - ph->p_vaddr < ph->p_memsz) {
			*why = "corrupt ELF file (bad segment address)";
			return -ENOEXEC;
		}
		lo = MIN(lo, ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE));
		hi = MAX(hi, ALIGN_UP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE));
		loads++;
	}
	if (!loads) {
		*why = "corrupt ELF file (nothing to load)";
		return -ENOEXEC;
	}
	if (img->eh.e_type == ET_EXEC && hi > lwk_proc.lwk_start &&
	    lo < lwk_proc.lwk_end) {
		*why = "ELF file wants the addresses the LWK occupies";
		return -ENOEXEC;
	}
	img->lo = lo;
	img->hi = hi;
	return 0;
}

/*
 * Linux refuses to run a file any process has open for writing (ETXTBSY).
 * User space cannot ask for the writer count, but a read lease is refused
 * with EAGAIN exactly when the file is open for writing; taking one needs
 * the file's owner or CAP_LEASE, and where it cannot be taken the answer
 * is "not busy".  A writer that opens the file during the few
 * microseconds the lease is held waits for its release and breaks it with
 * SIGURG, which is ignored unless the program handles it.
 */
static bool busy_writing(long fd)
{
	long err;

	linux_call3(NR_fcntl, fd, F_SETSIG, SIGURG);
	err = linux_call3(NR_fcntl, fd, F_SETLEASE, F_RDLCK);
	if (err == 0)
		linux_call3(NR_fcntl, fd, F_SETLEASE, F_UNLCK);
	return err == -EAGAIN;
}

static int open_exec(const char *path, u64 *size, const char **why)
{
	struct k_stat st;
	long fd = linux_call4(NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0) {
		*why = fd == -ENOENT ? "No such file or directory" :
		       fd == -EACCES ? "Permission denied" : "cannot open";
		return fd;
	}
	if (linux_call2(NR_fstat, fd, &st) < 0 || (st.mode & 0170000) != 0100000) {
		linux_call1(NR_close, fd);
		*why = "not a regular file";
		return -EACCES;
	}
	if (busy_writing(fd)) {
		linux_call1(NR_close, fd);
		*why = "Text file busy (open for writing)";
		return -ETXTBSY;
	}
	*size = st.size;
	return fd;
}

static int read_full(int fd, void *buf, u64 len, u64 off)
{
	while (len) {
		long n = linux_call4(NR_pread64, fd, buf, len, off);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		buf = (u8 *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

/* Read and validate one ELF file; returns its fd, or -errno. */
static int elf_open(const char *path, struct elf_image *img, const char **why)
{
	u64 size = 0;
	int fd, err;

	fd = open_exec(path, &size, why);
	if (fd < 0)
		return fd;
	memset(&img->eh, 0, sizeof(img->eh));
	if (read_full(fd, &img->eh, MIN(size, sizeof(img->eh)), 0) < 0) {
		*why = "cannot read the file";
		err = -EIO;
		goto close;
	}
	err = elf_check_header(&img->eh, size, why);
	if (err)
		goto close;
	if (read_full(fd, img->ph, img->eh.e_phnum * sizeof(img->ph[0]),
		      img->eh.e_phoff) < 0) {
		*why = "cannot read the program headers";
		err = -EIO;
		goto close;
	}
	err = elf_check_phdrs(img, size, why);
	if (err)
		goto close;
	return fd;
close:
	linux_call1(NR_close, fd);
	return err;
}

static int read_interp(int fd, const struct elf_image *img, char *buf)
{
	const struct elf64_phdr *ph = &img->ph[img->interp];

	if (read_full(fd, buf, ph->p_filesz, ph->p_offset) < 0)
		return -EIO;
	buf[ph->p_filesz - 1] = '\0';
	return 0;
}

static struct elf_image exec_img, exec_interp_img;
static char exec_interp_path[LWK_PATH_MAX];

/* On the caller's stack: vfork children of several threads exec at once. */
int exec_check(const char *path, const char **why)
{
	struct elf_image img, interp_img;
	char interp_path[LWK_PATH_MAX];
	int fd, ifd;

	fd = elf_open(path, &img, why);
	if (fd < 0)
		return fd;
	if (img.interp < 0) {
		linux_call1(NR_close, fd);
		return 0;
	}
	ifd = read_interp(fd, &img, interp_path);
	/* One descriptor at a time: execve may come with one free. */
	linux_call1(NR_close, fd);
	if (ifd < 0) {
		*why = "cannot read its interpreter's name";
		return -EIO;
	}
	ifd = elf_open(interp_path, &interp_img, why);
	if (ifd < 0) {
		*why = "its ELF interpreter is missing or unusable";
		return ifd == -ENOEXEC ? -ELIBBAD : ifd;
	}
	linux_call1(NR_close, ifd);
	return 0;
}

static u64 random_pages(unsigned bits)
{
	u64 r = 0;

	linux_call3(NR_getrandom, &r, sizeof(r), 0);
	return (r & ((1ULL << bits) - 1)) << PAGE_SHIFT;
}

static int prot_of(u32 pflags)
{
	return (pflags & PF_R ? PROT_READ : 0) | (pflags & PF_W ? PROT_WRITE : 0) |
	       (pflags & PF_X ? PROT_EXEC : 0);
}

/* Map one validated image; returns its load bias or -errno. */
static long map_image(int fd, const struct elf_image *img, bool is_interp,
		      struct exec_info *info)
{
	u64 span = img->hi - img->lo, bias = 0, hint = 0, base;
	int i;

	if (img->eh.e_type == ET_DYN && !is_interp)
		hint = ET_DYN_BASE + random_pages(28);
	if (img->eh.e_type == ET_EXEC)
		hint = img->lo;
	base = linux_call6(NR_mmap, hint, span, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS |
			   (img->eh.e_type == ET_EXEC ? MAP_FIXED_NOREPLACE : 0),
			   -1, 0);
	if (IS_ERR_VALUE(base))
		return (long)base;
	if (img->eh.e_type == ET_DYN)
		bias = base - img->lo;

	for (i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];
		u64 start, file_end, mem_end, off;
		int prot = prot_of(ph->p_flags);
		u64 m;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		start = ALIGN_DOWN(ph->p_vaddr + bias, PAGE_SIZE);
		off = ALIGN_DOWN(ph->p_offset, PAGE_SIZE);
		file_end = ph->p_vaddr + bias + ph->p_filesz;
		mem_end = ALIGN_UP(ph->p_vaddr + bias + ph->p_memsz, PAGE_SIZE);

		if (ph->p_filesz) {
			m = linux_call6(NR_mmap, start,
					ALIGN_UP(file_end, PAGE_SIZE) - start,
					prot | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
					fd, off);
			if (IS_ERR_VALUE(m))
				return (long)m;
			/* The tail of the last file page is bss: zero it. */
			if (ph->p_memsz > ph->p_filesz && (file_end & ~PAGE_MASK))
				memset((void *)file_end, 0,
				       PAGE_SIZE - (file_end & ~PAGE_MASK));
			if (!(prot & PROT_WRITE))
				linux_call3(NR_mprotect, start,
					    ALIGN_UP(file_end, PAGE_SIZE) - start,
					    prot);
			start = ALIGN_UP(file_end, PAGE_SIZE);
		}
		if (mem_end > start) {
			m = linux_call6(NR_mmap, start, mem_end - start, prot,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
					-1, 0);
			if (IS_ERR_VALUE(m))
				return (long)m;
		}
		if (is_interp)
			continue;
		if (ph->p_flags & PF_X) {
			if (!info->start_code)
				info->start_code = ph->p_vaddr + bias;
			info->end_code = MAX(info->end_code,
					     ph->p_vaddr + bias + ph->p_filesz);
		} else {
			if (!info->start_data)
				info->start_data = ph->p_vaddr + bias;
			info->end_data = MAX(info->end_data,
					     ph->p_vaddr + bias + ph->p_filesz);
		}
		info->brk = MAX(info->brk, mem_end);
	}
	return (long)bias;
}

static u64 phdr_address(const struct elf_image *img, u64 bias)
{
	int i;

	for (i = 0; i < img->eh.e_phnum; i++)
		if (img->ph[i].p_type == PT_PHDR)
			return img->ph[i].p_vaddr + bias;
	for (i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];

		if (ph->p_type == PT_LOAD && img->eh.e_phoff >= ph->p_offset &&
		    img->eh.e_phoff - ph->p_offset < ph->p_filesz)
			return ph->p_vaddr + bias + img->eh.e_phoff - ph->p_offset;
	}
	return 0;
}

int exec_load(const char *path, struct exec_info *info, const char **why)
{
	long bias, ibias;
	int fd, ifd, i;

	memset(info, 0, sizeof(*info));
	fd = elf_open(path, &exec_img, why);
	if (fd < 0)
		return fd;
	if (exec_img.interp >= 0 && read_interp(fd, &exec_img,
						 exec_interp_path) < 0) {
		*why = "cannot read its interpreter's name";
		linux_call1(NR_close, fd);
		return -EIO;
	}
	bias = map_image(fd, &exec_img, false, info);
	linux_call1(NR_close, fd);
	if (IS_ERR_VALUE(bias)) {
		*why = "cannot map the program";
		return (int)bias;
	}
	info->prog_entry = exec_img.eh.e_entry + bias;
	info->entry = info->prog_entry;
	info->phdr = phdr_address(&exec_img, bias);
	info->phent = sizeof(struct elf64_phdr);
	info->phnum = exec_img.eh.e_phnum;
	for (i = 0; i < exec_img.eh.e_phnum; i++)
		if (exec_img.ph[i].p_type == PT_GNU_STACK)
			info->exec_stack = exec_img.ph[i].p_flags & PF_X;

	if (exec_img.interp < 0)
		return 0;
	ifd = elf_open(exec_interp_path, &exec_interp_img, why);
	if (ifd < 0) {
		*why = "its ELF interpreter is missing or unusable";
		return ifd == -ENOEXEC ? -ELIBBAD : ifd;
	}
	ibias = map_image(ifd, &exec_interp_img, true, info);
	linux_call1(NR_close, ifd);
	if (IS_ERR_VALUE(ibias)) {
		*why = "cannot map its ELF interpreter";
		return (int)ibias;
	}
	info->interp_base = ibias + exec_interp_img.lo;
	info->entry = exec_interp_img.eh.e_entry + ibias;
	return 0;
}

static u64 strings_size(int n, const char *const *v)
{
	u64 sz = 0;
	int i;

	for (i = 0; i < n; i++)
		sz += strlen(v[i]) + 1;
	return sz;
}

static int auxv_count(const u64 *model)
{
	int n = 0;

	while (model[2 * n] != AT_NULL)
		n++;
	return n + 1;
}

u64 stack_size(const struct stack_spec *spec)
{
	return strings_size(spec->argc, spec->argv) +
	       strings_size(spec->envc, spec->envp) +
	       strlen(spec->execfn) + 1 + strlen(spec->platform) + 1 + 16 +
	       (spec->argc + spec->envc + 3) * 8 +
	       auxv_count(spec->auxv_model) * 16 + 64;
}

static u8 *put_string(u8 *p, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(p, s, n);
	return p + n;
}

/* The value the program's auxv gets for one entry of the model. */
static bool auxv_value(const struct stack_spec *spec, u64 type, u64 *val,
		       u64 execfn, u64 platform, u64 random)
{
	const struct exec_info *info = spec->info;

	switch (type) {
	case AT_PHDR:
		*val = info->phdr;
		break;
	case AT_PHENT:
		*val = info->phent;
		break;
	case AT_PHNUM:
		*val = info->phnum;
		break;
	case AT_BASE:
		*val = info->interp_base;
		break;
	case AT_ENTRY:
		*val = info->prog_entry;
		break;
	case AT_EXECFN:
		*val = execfn;
		break;
	case AT_PLATFORM:
		*val = platform;
		break;
	case AT_RANDOM:
		*val = random;
		break;
	case AT_EXECFD:
	case 27:	/* AT_RSEQ_FEATURE_SIZE: the LWK refuses rseq */
	case 28:	/* AT_RSEQ_ALIGN */
		return false;
	}
	return true;
}

void stack_build(u8 *top, const struct stack_spec *spec,
		 struct stack_layout *out)
{
	u64 *sp, execfn, platform, random;
	u8 *p, *strings;
	int i, n;

	/* Strings at the top, in Linux's order: args, env, then execfn. */
	p = top - strlen(spec->execfn) - 1 - 8;
	execfn = (u64)p;
	put_string(p, spec->execfn);
	strings = p - strings_size(spec->argc, spec->argv) -
		  strings_size(spec->envc, spec->envp);
	p = strings;
	out->arg_start = (u64)p;
	for (i = 0; i < spec->argc; i++)
		p = put_string(p, spec->argv[i]);
	out->arg_end = out->env_start = (u64)p;
	for (i = 0; i < spec->envc; i++)
		p = put_string(p, spec->envp[i]);
	out->env_end = (u64)p;

	p = strings - strlen(spec->platform) - 1;
	platform = (u64)p;
	put_string(p, spec->platform);
	p -= 16;
	random = (u64)p;
	memcpy(p, spec->random, 16);

	/* Pointers below, with sp 16-byte aligned at argc. */
	n = 1 + spec->argc + 1 + spec->envc + 1 + 2 * auxv_count(spec->auxv_model);
	sp = (u64 *)ALIGN_DOWN((u64)p - n * 8, 16);
	out->sp = (u64)sp;
	*sp++ = spec->argc;
	p = (u8 *)out->arg_start;
	for (i = 0; i < spec->argc; i++) {
		*sp++ = (u64)p;
		p += strlen((char *)p) + 1;
	}
	*sp++ = 0;
	for (i = 0; i < spec->envc; i++) {
		*sp++ = (u64)p;
		p += strlen((char *)p) + 1;
	}
	*sp++ = 0;
	out->auxv = sp;
	for (i = 0; spec->auxv_model[2 * i] != AT_NULL; i++) {
		u64 type = spec->auxv_model[2 * i];
		u64 val = spec->auxv_model[2 * i + 1];

		if (!auxv_value(spec, type, &val, execfn, platform, random))
			continue;
		*sp++ = type;
		*sp++ = val;
	}
	*sp++ = AT_NULL;
	*sp++ = 0;
	out->auxv_words = sp - out->auxv;
}

int exec_read_script(const char *path, struct script *s)
{
	long fd, n;
	char *p, *end;

	fd = linux_call4(NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	n = linux_call4(NR_pread64, fd, s->line, sizeof(s->line) - 1, 0);
	if (n >= 2 && s->line[0] == '#' && s->line[1] == '!' &&
	    busy_writing(fd))
		n = -ETXTBSY;
	linux_call1(NR_close, fd);
	if (n == -ETXTBSY)
		return n;
	if (n < 2 || s->line[0] != '#' || s->line[1] != '!')
		return 0;
	s->line[n] = '\0';
	end = strchr(s->line, '\n');
	if (end)
		*end = '\0';
	for (p = s->line + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	s->interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	s->arg = NULL;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p) {
			s->arg = p;
			/* Linux keeps the rest as one argument, minus trailing blanks. */
			end = p + strlen(p);
			while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = '\0';
		}
	}
	return 1;
}

int exec_resolve(const char *path, struct exec_chain *c)
{
	const char *file = path;
	int err, i;

	c->depth = 0;
	c->nlead = 0;
	c->bad = NULL;
	for (;;) {
		err = exec_read_script(file, &c->s[c->depth]);
		if (err == 0)
			break;
		if (err < 0) {
			c->why = err == -ENOEXEC ? "#! line names no interpreter" :
				 err == -ENOENT ? "No such file or directory" :
				 err == -EACCES ? "Permission denied" :
				 err == -ETXTBSY ? "Text file busy (open for writing)" :
				 "cannot read the file";
			c->bad = c->depth ? file : NULL;
			return err;
		}
		if (c->depth == EXEC_MAX_SCRIPTS) {
			c->why = "too many nested #! interpreters (Linux follows 5)";
			c->bad = c->s[0].interp;
			return -ELOOP;
		}
		file = c->s[c->depth++].interp;
		if (linux_call4(NR_faccessat, AT_FDCWD, file, 1 /* X_OK */, 0) == 0)
			continue;
		err = (int)linux_call4(NR_faccessat, AT_FDCWD, file, 0, 0);
		c->why = err == -ENOENT ? "No such file or directory" :
			 "Permission denied";
		c->bad = file;
		return err ? err : -EACCES;
	}
	c->elf = file;
	for (i = c->depth - 1; i >= 0; i--) {
		c->lead[c->nlead++] = c->s[i].interp;
		if (c->s[i].arg)
			c->lead[c->nlead++] = c->s[i].arg;
	}
	if (c->depth)
		c->lead[c->nlead++] = path;
	return 0;
}
