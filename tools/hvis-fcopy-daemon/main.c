// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-fcopy-daemon: receives the files the host copies into the guest
 * (Copy-VMFile), as the kernel passes them on through /dev/vmbus/hv_fcopy.
 *
 * A copy goes to a temporary file next to its destination and is renamed
 * into place on COMPLETE only, so a cancelled or failed copy leaves
 * nothing behind.  The destination directory is reached one component at
 * a time without following symbolic links: a link planted by a guest user
 * cannot redirect a root-owned write elsewhere.  (So a path through a
 * symlink, such as /var/run on some systems, is refused too.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <hvis/hv_daemon.h>
#include "hvisd.h"

/* The copy in progress. */
static struct {
	bool open;
	int dirfd;
	int fd;
	uint32_t flags;
	uint64_t size;
	char name[NAME_MAX + 1];
	char tmp[NAME_MAX + 1];
	char path[PATH_MAX];		/* for logs */
} cur = { .dirfd = -1, .fd = -1 };

/* Forget the copy in progress, removing its temporary file. */
static void cancel_copy(const char *why)
{
	if (!cur.open)
		return;
	close(cur.fd);
	if (unlinkat(cur.dirfd, cur.tmp, 0) < 0 && errno != ENOENT)
		hvisd_log(LOG_ERR, "cannot remove %s/%s: %s", cur.path, cur.tmp, strerror(errno));
	close(cur.dirfd);
	cur.open = false;
	cur.fd = cur.dirfd = -1;
	if (why)
		hvisd_log(LOG_INFO, "copy to %s/%s dropped: %s", cur.path, cur.name, why);
}

/*
 * The directory @path, walked from "/" with O_NOFOLLOW on every component;
 * missing components are made (0755) if @create.  An fd, or -1 with errno.
 */
static int open_dir(const char *path, bool create)
{
	char comp[NAME_MAX + 1];
	const char *p = path;
	int fd, next;
	size_t n;

	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && *p) {
		n = strcspn(p, "/");
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		p += strspn(p, "/");
		if (!n || !strcmp(comp, "."))
			continue;
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
				close(fd);
				return -1;
			}
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		close(fd);
		fd = next;
	}
	return fd;
}

/* A fresh, exclusively created temporary file in cur.dirfd: its fd, or -1. */
static int make_temp(void)
{
	static unsigned int counter;
	unsigned int i, r;
	struct timespec ts;
	int fd;

	for (i = 0; i < 100; i++) {
		clock_gettime(CLOCK_REALTIME, &ts);
		r = (unsigned int)ts.tv_nsec * 2654435761u ^ (unsigned int)getpid() << 16 ^
		    ++counter;
		snprintf(cur.tmp, sizeof(cur.tmp), ".%.*s.hvis-%08x", NAME_MAX - 16, cur.name, r);
		fd = openat(cur.dirfd, cur.tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* A string field of the START message (UTF-8 from the kernel). */
#define START_FIELD(m, f) ((const char *)(m) + offsetof(struct hvis_fcopy_start, f))

static int32_t do_start(const struct hvis_fcopy_start *m)
{
	struct stat st;
	char name[NAME_MAX + 1];
	const char *why;
	int32_t r;

	cancel_copy("a new copy started");
	if (hvisd_field_str(cur.path, sizeof(cur.path), START_FIELD(m, path_name),
			    sizeof(m->path_name)) ||
	    hvisd_field_str(name, sizeof(name), START_FIELD(m, file_name), sizeof(m->file_name))) {
		hvisd_log(LOG_WARNING, "START: unterminated or too long name");
		return HVISD_E_FAIL;
	}
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		hvisd_log(LOG_WARNING, "START: refusing file name \"%s\"", name);
		return HVISD_E_FAIL;
	}
	memcpy(cur.name, name, sizeof(name));
	cur.flags = m->copy_flags;
	cur.size = m->file_size;
	cur.dirfd = open_dir(cur.path, cur.flags & HVIS_FCOPY_CREATE_PATH);
	if (cur.dirfd < 0) {
		why = errno == ELOOP || errno == ENOTDIR ?
		      "a component is a symbolic link or not a directory" : strerror(errno);
		hvisd_log(LOG_WARNING, "START: directory %s: %s", cur.path, why);
		return HVISD_E_FAIL;
	}
	if (fstatat(cur.dirfd, cur.name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!(cur.flags & HVIS_FCOPY_OVERWRITE) || S_ISDIR(st.st_mode)) {
			hvisd_log(LOG_INFO, "START: %s/%s exists", cur.path, cur.name);
			close(cur.dirfd);
			cur.dirfd = -1;
			return S_ISDIR(st.st_mode) ? HVISD_E_FAIL : HVISD_ERROR_ALREADY_EXISTS;
		}
	}
	cur.fd = make_temp();
	if (cur.fd < 0) {
		hvisd_log(LOG_ERR, "START: cannot create a file in %s: %s", cur.path,
			  strerror(errno));
		r = errno == ENOSPC || errno == EDQUOT ? HVISD_ERROR_DISK_FULL : HVISD_E_FAIL;
		close(cur.dirfd);
		cur.dirfd = -1;
		return r;
	}
	cur.open = true;
	hvisd_log(LOG_INFO, "receiving %s/%s (%llu bytes)", cur.path, cur.name,
		  (unsigned long long)cur.size);
	return HVISD_S_OK;
}

static int32_t do_write(const struct hvis_fcopy_write *m, size_t len)
{
	uint64_t off = m->offset;
	uint32_t size = m->size;
	const char *p = (const char *)m->data;
	ssize_t n;

	if (size > HVIS_FCOPY_FRAGMENT || len < offsetof(struct hvis_fcopy_write, data) + size) {
		hvisd_log(LOG_WARNING, "WRITE: %u bytes in a %zu-byte message", size, len);
		return HVISD_E_FAIL;
	}
	if (!cur.open)
		return HVISD_E_FAIL;
	if (size > cur.size || off > cur.size - size) {
		hvisd_log(LOG_WARNING, "WRITE: %u bytes at %llu, past the announced %llu",
			  size, (unsigned long long)off, (unsigned long long)cur.size);
		return HVISD_E_FAIL;
	}
	while (size) {
		n = pwrite(cur.fd, p, size, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			hvisd_log(LOG_ERR, "writing %s/%s: %s", cur.path, cur.tmp,
				  n ? strerror(errno) : "no progress");
			return n && (errno == ENOSPC || errno == EDQUOT) ?
			       HVISD_ERROR_DISK_FULL : HVISD_E_FAIL;
		}
		p += n;
		off += n;
		size -= n;
	}
	return HVISD_S_OK;
}

/* Move the temporary file to its name; a file that appeared meanwhile wins
 * unless the host said overwrite.
 */
static int place_file(void)
{
	if (cur.flags & HVIS_FCOPY_OVERWRITE)
		return renameat(cur.dirfd, cur.tmp, cur.dirfd, cur.name);
	if (renameat2(cur.dirfd, cur.tmp, cur.dirfd, cur.name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* No RENAME_NOREPLACE here: a hard link fails on an existing name too. */
	if (linkat(cur.dirfd, cur.tmp, cur.dirfd, cur.name, 0) == 0) {
		unlinkat(cur.dirfd, cur.tmp, 0);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP)
		return -1;
	/* Nor hard links (vfat and the like): check, then rename. */
	if (faccessat(cur.dirfd, cur.name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(cur.dirfd, cur.tmp, cur.dirfd, cur.name);
}

static int32_t do_complete(void)
{
	struct stat st;
	int32_t r;

	if (!cur.open) {
		hvisd_log(LOG_WARNING, "COMPLETE without a copy");
		return HVISD_E_FAIL;
	}
	if (fsync(cur.fd) < 0 || fstat(cur.fd, &st) < 0) {
		r = errno == ENOSPC || errno == EDQUOT ? HVISD_ERROR_DISK_FULL : HVISD_E_FAIL;
		cancel_copy(strerror(errno));
		return r;
	}
	if ((uint64_t)st.st_size != cur.size) {
		hvisd_log(LOG_WARNING, "COMPLETE: %s/%s has %llu of %llu bytes", cur.path,
			  cur.name, (unsigned long long)st.st_size, (unsigned long long)cur.size);
		cancel_copy("incomplete");
		return HVISD_E_FAIL;
	}
	if (place_file() < 0) {
		r = errno == EEXIST ? HVISD_ERROR_ALREADY_EXISTS : HVISD_E_FAIL;
		cancel_copy(strerror(errno));
		return r;
	}
	/* The new name must be on disk when we say done. */
	fsync(cur.dirfd);
	close(cur.fd);
	close(cur.dirfd);
	cur.open = false;
	cur.fd = cur.dirfd = -1;
	hvisd_log(LOG_INFO, "received %s/%s", cur.path, cur.name);
	return HVISD_S_OK;
}

static int32_t handle(const void *buf, size_t len)
{
	uint32_t op;

	if (len < sizeof(op)) {
		hvisd_log(LOG_WARNING, "request of %zu bytes", len);
		return HVISD_E_FAIL;
	}
	memcpy(&op, buf, sizeof(op));
	switch (op) {
	case HVIS_FCOPY_START:
		if (len < sizeof(struct hvis_fcopy_start))
			break;
		return do_start(buf);
	case HVIS_FCOPY_WRITE:
		if (len < offsetof(struct hvis_fcopy_write, data))
			break;
		return do_write(buf, len);
	case HVIS_FCOPY_COMPLETE:
		return do_complete();
	case HVIS_FCOPY_CANCEL:
		cancel_copy(NULL);
		return HVISD_S_OK;
	default:
		hvisd_log(LOG_WARNING, "unknown operation %u", op);
		return HVISD_E_FAIL;
	}
	hvisd_log(LOG_WARNING, "operation %u in a %zu-byte message", op, len);
	return HVISD_E_FAIL;
}

static int fcopy_register(struct hvisd *d)
{
	int32_t version = HVIS_FCOPY_VERSION_1;
	uint32_t answer[2];

	if (hvisd_handshake(d, &version, sizeof(version), answer, sizeof(answer),
			    sizeof(answer[0])) < 0)
		return -1;
	hvisd_log(LOG_INFO, "registered with %s, kernel version %u", d->dev_path, answer[0]);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvis-fcopy-daemon [OPTIONS]\n"
		"Receives the files the Hyper-V host copies into the guest (Copy-VMFile).\n"
		HVISD_COMMON_USAGE,
		"/dev/vmbus/hv_fcopy");
}

int main(int argc, char **argv)
{
	struct hvisd d = HVISD_INIT("hvis-fcopy-daemon", "/dev/vmbus/hv_fcopy", fcopy_register);
	/* Large enough for anything the kernel sends (a WRITE is 6196 bytes). */
	static union {
		struct hvis_fcopy_write w;
		char raw[8192];
	} buf;
	int32_t status;
	ssize_t n;

	hvisd_options(&d, argc, argv, NULL, NULL, usage);
	/* Files and directories get the modes we document, whatever we inherited. */
	umask(022);
	hvisd_log_init(d.name, d.foreground);
	hvisd_signals();
	hvisd_start(&d);

	while (!hvisd_stop) {
		n = hvisd_recv(&d, &buf, sizeof(buf), -1);
		if (n < 0) {
			/* The kernel failed the host's transaction; the copy is dead. */
			cancel_copy("the device went away");
			if (hvisd_reconnect(&d) < 0)
				return 1;
		}
		if (n <= 0)
			continue;
		status = handle(&buf, n);
		hvisd_send(&d, &status, sizeof(status));
	}
	cancel_copy("stopping");
	hvisd_log(LOG_INFO, "stopped by signal %d", (int)hvisd_stop);
	return 0;
}
