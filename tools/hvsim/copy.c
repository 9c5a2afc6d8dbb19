// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim copy-file: Copy-VMFile, the host's side of the Guest Service
 * Interface: START with the destination, WRITE fragments, COMPLETE, and
 * CANCEL after a failure so that the guest drops the partial file.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cmd.h"

static struct hvis_fcopy_write fwrite_req;

static void size_str(uint64_t bytes, uint64_t total, char *out, size_t size)
{
	if (total >= 1 << 20)
		snprintf(out, size, "%llu", (unsigned long long)(bytes >> 20));
	else
		snprintf(out, size, "%llu", (unsigned long long)(total >= 1 << 10 ? bytes >> 10 : bytes));
}

static const char *size_unit(uint64_t total)
{
	return total >= 1 << 20 ? "MiB" : total >= 1 << 10 ? "KiB" : "bytes";
}

static void progress(uint64_t done, uint64_t total, int *last)
{
	char a[32], b[32];
	int pct = total ? (int)(done * 100 / total) : 100;

	if (pct == *last)
		return;
	*last = pct;
	size_str(done, total, a, sizeof(a));
	size_str(total, total, b, sizeof(b));
	fprintf(stderr, "\rcopied %s/%s %s (%d%%)", a, b, size_unit(total), pct);
	fflush(stderr);
}

/* After a failure: the guest drops what it wrote.  Its answer changes nothing. */
static void fcopy_cancel(int fd)
{
	struct hvis_fcopy_hdr req = { .operation = HVIS_FCOPY_CANCEL };

	if (!xact_ok(fd, &req, sizeof(req), "Guest Service Interface", "copy-file: CANCEL"))
		fprintf(stderr, "hvsim: copy-file: cancelled, the guest dropped the partial file\n");
}

/* A failure status of step @what (START, WRITE, COMPLETE), in words. */
static void fcopy_failed(const char *what, uint32_t status)
{
	char w[64];

	snprintf(w, sizeof(w), "copy-file: %s", what);
	if (status == HVIS_IC_ERROR_ALREADY_EXISTS)
		fprintf(stderr, "hvsim: %s: destination exists (use --overwrite)\n", w);
	else if (status == HVIS_IC_ERROR_DISK_FULL)
		fprintf(stderr, "hvsim: %s: the guest's disk is full (0x%08x)\n", w, status);
	else
		guest_failed(w, status);
}

/* Fill @len bytes from @fd: 0, or -1 (errno 0: the file ended early). */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = 0;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static int copy_file(int argc, char **argv)
{
	static struct hvis_fcopy_start start;
	const char *src = NULL, *dest = NULL, *slash;
	struct hvis_fcopy_hdr done = { .operation = HVIS_FCOPY_COMPLETE };
	uint64_t size, off = 0;
	uint32_t flags = 0, n;
	char dirname[4096];
	double t0, t;
	struct stat stbuf;
	int i, sfd, fd, err, last = -1, ret = 1;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--create-path"))
			flags |= HVIS_FCOPY_CREATE_PATH;
		else if (!strcmp(argv[i], "--overwrite"))
			flags |= HVIS_FCOPY_OVERWRITE;
		else if (!src)
			src = argv[i];
		else if (!dest)
			dest = argv[i];
		else
			src = NULL;
	}
	if (!src || !dest) {
		usage(stderr);
		return 2;
	}
	/* The guest wants a directory and a name: DEST is absolute and names a file. */
	slash = strrchr(dest, '/');
	if (dest[0] != '/' || !slash[1] || (size_t)(slash - dest) + 1 >= sizeof(dirname)) {
		fprintf(stderr, "hvsim: copy-file: DEST must be an absolute path naming a file, not \"%s\"\n",
			dest);
		return 2;
	}
	/*
	 * The directory keeps its trailing slash, as a destination folder:
	 * Debian's hv_fcopy_daemon (CREATE_PATH) makes only the components
	 * that end in one.
	 */
	memcpy(dirname, dest, slash - dest + 1);
	dirname[slash - dest + 1] = '\0';
	memset(&start, 0, sizeof(start));
	start.hdr.operation = HVIS_FCOPY_START;
	start.copy_flags = flags;
	if (utf8_to_wire(slash + 1, (uint8_t *)&start + offsetof(struct hvis_fcopy_start, file_name),
			  HVIS_FCOPY_MAX_PATH) < 0 ||
	    utf8_to_wire(dirname, (uint8_t *)&start + offsetof(struct hvis_fcopy_start, path_name),
			  HVIS_FCOPY_MAX_PATH) < 0) {
		fprintf(stderr, "hvsim: copy-file: \"%s\": not UTF-8, or a name or directory longer than %d UTF-16 units\n",
			dest, HVIS_FCOPY_MAX_PATH - 1);
		return 2;
	}

	sfd = open(src, O_RDONLY | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &stbuf)) {
		fprintf(stderr, "hvsim: copy-file: %s: %s\n", src, strerror(errno));
		return 1;
	}
	if (!S_ISREG(stbuf.st_mode)) {
		fprintf(stderr, "hvsim: copy-file: %s: not a regular file\n", src);
		close(sfd);
		return 1;
	}
	size = stbuf.st_size;
	start.file_size = size;
	fd = xact_open("fcopy");
	if (fd < 0) {
		close(sfd);
		return 1;
	}

	t0 = now_s();
	if (xact_sent(fd, &start, sizeof(start), "Guest Service Interface", "copy-file: START"))
		goto out;
	if (ans.status != HVIS_IC_S_OK) {
		fcopy_failed("START", ans.status);
		goto out;
	}
	memset(&fwrite_req, 0, sizeof(fwrite_req));
	fwrite_req.hdr.operation = HVIS_FCOPY_WRITE;
	while (off < size) {
		n = size - off < HVIS_FCOPY_FRAGMENT ? size - off : HVIS_FCOPY_FRAGMENT;
		if (n < HVIS_FCOPY_FRAGMENT)
			memset(fwrite_req.data + n, 0, HVIS_FCOPY_FRAGMENT - n);
		if (read_full(sfd, fwrite_req.data, n)) {
			fprintf(stderr, "\nhvsim: copy-file: %s: %s\n", src,
				errno ? strerror(errno) : "shorter than when the copy started");
			goto cancel;
		}
		fwrite_req.offset = off;
		fwrite_req.size = n;
		err = xact(fd, &fwrite_req, sizeof(fwrite_req), &ans);
		if (err) {
			fputc('\n', stderr);
			xact_error("copy-file: WRITE", "Guest Service Interface", err);
			if (err == ENOTCONN)
				goto out;
			goto cancel;
		}
		if (ans.status != HVIS_IC_S_OK) {
			fputc('\n', stderr);
			fcopy_failed("WRITE", ans.status);
			goto cancel;
		}
		off += n;
		progress(off, size, &last);
	}
	err = xact(fd, &done, sizeof(done), &ans);
	if (err || ans.status != HVIS_IC_S_OK) {
		fputc('\n', stderr);
		if (err)
			xact_error("copy-file: COMPLETE", "Guest Service Interface", err);
		else
			fcopy_failed("COMPLETE", ans.status);
		if (err == ENOTCONN)
			goto out;
		goto cancel;
	}
	progress(size, size, &last);
	t = now_s() - t0;
	fprintf(stderr, "\ncopied %llu bytes to %s in %.2f s (%.1f MB/s)\n",
		(unsigned long long)size, dest, t, t > 0 ? size / t / 1e6 : 0.0);
	ret = 0;
	goto out;
cancel:
	fcopy_cancel(fd);
out:
	close(fd);
	close(sfd);
	return ret;
}

const struct hvsim_cmd hvsim_copy_cmds[] = {
	{ "copy-file", 0, -1, copy_file,
	  "  copy-file SRC DEST [--create-path] [--overwrite]\n"
	  "                                    Copy-VMFile: send the file SRC (read here) to the\n"
	  "                                    guest's absolute path DEST\n" },
	{ NULL }
};
