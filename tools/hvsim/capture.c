// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim capture: the simulator's wire capture (include/uapi/hvis/hvcap.h),
 * started, stopped and written to a file that hvcapdiff reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <hvis/hvcap.h>

#include "cmd.h"

/* hvsim capture start|stop|clear|stats, hvsim capture dump FILE. */
static int capture(int argc, char **argv)
{
	struct hvcap_file_hdr h;
	char path[512], buf[65536];
	ssize_t n = 0;
	size_t got = 0;
	int fd, ret = 1;
	FILE *out;

	snprintf(path, sizeof(path), "%s/capture", dir);
	if (argc == 3 && !strcmp(argv[2], "stats"))
		return cat("capture_stats");
	if (argc == 3 && (!strcmp(argv[2], "start") || !strcmp(argv[2], "stop") ||
			  !strcmp(argv[2], "clear"))) {
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, argv[2], strlen(argv[2])) < 0) {
			fprintf(stderr, "hvsim: capture %s: %s\n", argv[2], strerror(errno));
			if (fd >= 0)
				close(fd);
			return 1;
		}
		close(fd);
		return 0;
	}
	if (argc != 4 || strcmp(argv[2], "dump")) {
		usage(stderr);
		return 2;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	out = fopen(argv[3], "wb");
	if (!out) {
		fprintf(stderr, "hvsim: %s: %s\n", argv[3], strerror(errno));
		close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (!got && (size_t)n >= sizeof(h))
			memcpy(&h, buf, sizeof(h));
		got += n;
		if (fwrite(buf, 1, n, out) != (size_t)n) {
			fprintf(stderr, "hvsim: %s: %s\n", argv[3], strerror(errno));
			goto done;
		}
	}
	if (n < 0) {
		fprintf(stderr, "hvsim: capture dump: %s%s\n", strerror(errno),
			errno == EBUSY ? " (hvsim capture stop first)" : "");
		goto done;
	}
	if (got < sizeof(h)) {
		fprintf(stderr, "hvsim: capture dump: short read\n");
		goto done;
	}
	printf("%u records, %u dropped, %llu bytes\n", h.records, h.dropped,
	       (unsigned long long)h.bytes);
	ret = 0;
done:
	close(fd);
	if (fclose(out))
		ret = 1;
	return ret;
}

const struct hvsim_cmd hvsim_capture_cmds[] = {
	{ "capture", 1, -1, capture,
	  "  capture start|stop|clear|stats    record every channel message and ring packet, both\n"
	  "                                    ways (start empties the capture first)\n"
	  "  capture dump FILE                 write a stopped capture to FILE (hvcap.h format;\n"
	  "                                    hvcapdiff compares two)\n" },
	{ NULL }
};
