// SPDX-License-Identifier: MIT
/*
 * Writes small hand-made ELF files for the loader's tests:
 *
 *   tiny     a valid static x86-64 executable with one PT_LOAD and no libc:
 *            it writes "tiny\n" and exits with 42
 *   aarch64  the same image marked EM_AARCH64 (wrong architecture)
 *   class32  a 32-bit (ELFCLASS32, EM_386) header
 *   phoff    the tiny image with e_phoff pointing far past the end of file
 *
 * usage: mkelf KIND OUTPUT      (OUTPUT is created with mode 0755)
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE 0x400000ul

/* write(1, msg, 5); exit(42); msg: "tiny\n" (rip-relative lea patched in) */
static const unsigned char code[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00,			/* mov $1, %eax */
	0xbf, 0x01, 0x00, 0x00, 0x00,			/* mov $1, %edi */
	0x48, 0x8d, 0x35, 0x00, 0x00, 0x00, 0x00,	/* lea msg(%rip), %rsi */
	0xba, 0x05, 0x00, 0x00, 0x00,			/* mov $5, %edx */
	0x0f, 0x05,					/* syscall */
	0xb8, 0x3c, 0x00, 0x00, 0x00,			/* mov $60, %eax */
	0xbf, 0x2a, 0x00, 0x00, 0x00,			/* mov $42, %edi */
	0x0f, 0x05,					/* syscall */
	't', 'i', 'n', 'y', '\n',
};
#define LEA_END 17	/* offset just past the lea */
#define MSG_OFF 36	/* offset of "tiny\n" in code[] */

static size_t build64(unsigned char *img, unsigned short machine,
		      unsigned long phoff_override)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	size_t code_off = sizeof(*eh) + sizeof(*ph);
	size_t size = code_off + sizeof(code);
	int rel = MSG_OFF - LEA_END;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_SYSV;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_entry = BASE + code_off;
	eh->e_phoff = phoff_override ? phoff_override : sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;

	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = 0;
	ph->p_vaddr = BASE;
	ph->p_paddr = BASE;
	ph->p_filesz = size;
	ph->p_memsz = size;
	ph->p_align = 0x1000;

	memcpy(img + code_off, code, sizeof(code));
	memcpy(img + code_off + 13, &rel, 4);
	return size;
}

static size_t build32(unsigned char *img)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));
	size_t size = sizeof(*eh) + sizeof(*ph) + 16;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x8048000 + sizeof(*eh) + sizeof(*ph);
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;

	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_vaddr = 0x8048000;
	ph->p_paddr = 0x8048000;
	ph->p_filesz = (Elf32_Word)size;
	ph->p_memsz = (Elf32_Word)size;
	ph->p_align = 0x1000;

	/* mov $1, %eax; mov $42, %ebx; int $0x80 */
	memcpy(img + sizeof(*eh) + sizeof(*ph),
	       "\xb8\x01\x00\x00\x00\xbb\x2a\x00\x00\x00\xcd\x80", 12);
	return size;
}

int main(int argc, char **argv)
{
	static unsigned char img[4096];
	size_t size;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: mkelf tiny|aarch64|class32|phoff OUT\n");
		return 2;
	}
	if (!strcmp(argv[1], "tiny"))
		size = build64(img, EM_X86_64, 0);
	else if (!strcmp(argv[1], "aarch64"))
		size = build64(img, EM_AARCH64, 0);
	else if (!strcmp(argv[1], "class32"))
		size = build32(img);
	else if (!strcmp(argv[1], "phoff"))
		size = build64(img, EM_X86_64, 1ul << 20);
	else {
		fprintf(stderr, "mkelf: unknown kind %s\n", argv[1]);
		return 2;
	}

	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, img, size) != (ssize_t)size || close(fd)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
