// SPDX-License-Identifier: GPL-2.0-only
/*
 * icwait: a clock for the peer benchmark (tests/vm/bench/bench_peer.sh),
 * finer than busybox's shell can read one.
 *
 *   icwait                 print CLOCK_MONOTONIC in ms
 *   icwait T0 [SECONDS]    poll the simulated host's view of the services
 *                          (debugfs hvis_sim/ics) every millisecond until
 *                          all six are OK, then print the ms since T0 (a
 *                          value printed by "icwait"); exit 1 after SECONDS
 *                          (default 30) without that
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ICS "/sys/kernel/debug/hvis_sim/ics"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* How many lines of the ics file have "OK" in their third column. */
static int count_ok(void)
{
	char buf[4096], *line, *save, *col;
	int fd, n = 0, i;
	ssize_t len;

	fd = open(ICS, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		col = line;
		for (i = 0; i < 2 && col; i++) {
			col = strchr(col, '\t');
			if (col)
				col++;
		}
		if (col && !strncmp(col, "OK\t", 3))
			n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	double t0, limit;

	if (argc == 1) {
		printf("%.3f\n", now_ms());
		return 0;
	}
	if (argc > 3) {
		fprintf(stderr, "usage: icwait [T0 [SECONDS]]\n");
		return 2;
	}
	t0 = strtod(argv[1], NULL);
	limit = now_ms() + 1e3 * (argc == 3 ? strtod(argv[2], NULL) : 30);
	while (count_ok() < 6) {
		if (now_ms() > limit) {
			fprintf(stderr, "icwait: not all six services OK in time\n");
			return 1;
		}
		usleep(1000);
	}
	printf("%.3f\n", now_ms() - t0);
	return 0;
}
