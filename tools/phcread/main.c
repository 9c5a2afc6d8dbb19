// SPDX-License-Identifier: GPL-2.0-only
/*
 * phcread: read a PTP hardware clock next to the system clock.
 *
 *   phcread [DEVICE]    default: the clock named "hyperv" in /sys/class/ptp
 *
 * Prints "phc SECONDS.NANOSECONDS realtime SECONDS.NANOSECONDS offset_ms N",
 * the offset being PHC minus system clock.  What chrony's "refclock PHC"
 * would see, without chrony; the tests use it to watch hvis_timesync.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A dynamic POSIX clock id for an open character device (see clock_gettime(2)). */
#define FD_TO_CLOCKID(fd)	((~(clockid_t)(fd) << 3) | 3)

static int find_hyperv(char *dev, size_t len)
{
	char path[512], name[64];
	struct dirent *e;
	DIR *d = opendir("/sys/class/ptp");
	FILE *f;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (strncmp(e->d_name, "ptp", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/class/ptp/%s/clock_name", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f) && !strcmp(name, "hyperv\n")) {
			snprintf(dev, len, "/dev/%s", e->d_name);
			found = 1;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	struct timespec phc, rt;
	char dev[300];
	long long off_ns;
	int fd;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: phcread [/dev/ptpN]\n");
		return 2;
	}
	if (argc == 2) {
		snprintf(dev, sizeof(dev), "%s", argv[1]);
	} else if (!find_hyperv(dev, sizeof(dev))) {
		fprintf(stderr, "phcread: no PTP clock named \"hyperv\"\n");
		return 1;
	}
	fd = open(dev, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "phcread: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (clock_gettime(FD_TO_CLOCKID(fd), &phc)) {
		fprintf(stderr, "phcread: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	close(fd);
	off_ns = (long long)(phc.tv_sec - rt.tv_sec) * 1000000000LL + (phc.tv_nsec - rt.tv_nsec);
	printf("phc %lld.%09ld realtime %lld.%09ld offset_ms %lld\n", (long long)phc.tv_sec,
	       phc.tv_nsec, (long long)rt.tv_sec, rt.tv_nsec, off_ns / 1000000);
	return 0;
}
