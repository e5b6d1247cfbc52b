// SPDX-License-Identifier: MIT
/*
 * Lists the threads of its own process after making a few system calls:
 * one line "COMM cpus LIST" per thread, from /proc/self/task/TID/comm and
 * Cpus_allowed_list.  Used to see tandem's proxy threads.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

static void field(const char *path, const char *key, char *out, size_t size)
{
	char line[512];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!key || !strncmp(line, key, strlen(key))) {
			snprintf(out, size, "%s", key ? line + strlen(key) : line);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

int main(void)
{
	char path[300], comm[64], cpus[256];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	if (!dir) {
		perror("/proc/self/task");
		return 1;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", d->d_name);
		field(path, NULL, comm, sizeof(comm));
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", d->d_name);
		field(path, "Cpus_allowed_list:\t", cpus, sizeof(cpus));
		printf("%s cpus %s\n", comm, cpus);
	}
	closedir(dir);
	return 0;
}
