// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP pools, kept in memory and saved whole after every change: one
 * file per pool, DIR/.kvp_pool_N, written to DIR/.kvp_pool_N.tmp, synced
 * and renamed over the old one, so that a crash or kill -9 at any point
 * leaves either the old or the new file, never a mix.
 *
 * File format (host byte order; the file never leaves this machine):
 *   "HVISKVP1"  u32 count  u32 zero
 *   count x { u32 key_len, u32 value_len, key bytes, value bytes }  (no NULs)
 *   u64 FNV-1a of everything before it
 * A file that does not parse exactly (bad magic, sizes out of range,
 * truncated, trailing bytes, checksum) is ignored as a whole, with a log
 * line: a pool is either what was last saved or empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "hvisd.h"
#include "kvp.h"

#define MAGIC		"HVISKVP1"
#define HEADER_SIZE	16
#define MAX_FILE	(64u << 20)

struct record {
	char *key;
	char *value;
};

struct pool {
	struct record *rec;
	unsigned int count, cap;
};

static struct pool pools[HVIS_KVP_POOL_COUNT];
static const char *pool_dir;
static unsigned int pool_max;

static uint64_t fnv1a(const unsigned char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void pool_path(char *buf, size_t size, unsigned int n, const char *suffix)
{
	snprintf(buf, size, "%s/.kvp_pool_%u%s", pool_dir, n, suffix);
}

static void pool_clear(struct pool *p)
{
	unsigned int i;

	for (i = 0; i < p->count; i++) {
		free(p->rec[i].key);
		free(p->rec[i].value);
	}
	p->count = 0;
}

static int pool_append(struct pool *p, const char *key, size_t klen,
		       const char *value, size_t vlen)
{
	struct record *r;

	if (p->count == p->cap) {
		unsigned int cap = p->cap ? p->cap * 2 : 16;

		r = realloc(p->rec, cap * sizeof(*r));
		if (!r)
			return -1;
		p->rec = r;
		p->cap = cap;
	}
	r = &p->rec[p->count];
	r->key = strndup(key, klen);
	r->value = strndup(value, vlen);
	if (!r->key || !r->value) {
		free(r->key);
		free(r->value);
		return -1;
	}
	p->count++;
	return 0;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Parse a whole file image into @p; a reason on failure. */
static const char *pool_parse(struct pool *p, const unsigned char *buf, size_t len)
{
	size_t off = HEADER_SIZE, body;
	uint32_t count, i, klen, vlen;
	uint64_t sum;

	if (len < HEADER_SIZE + sizeof(sum) || memcmp(buf, MAGIC, 8))
		return "not a pool file";
	body = len - sizeof(sum);
	memcpy(&sum, buf + body, sizeof(sum));
	if (sum != fnv1a(buf, body))
		return "checksum mismatch (truncated or damaged)";
	count = get_u32(buf + 8);
	for (i = 0; i < count; i++) {
		if (body - off < 8)
			return "truncated record";
		klen = get_u32(buf + off);
		vlen = get_u32(buf + off + 4);
		off += 8;
		if (klen == 0 || klen > KVP_KEY_MAX || vlen > KVP_VALUE_MAX ||
		    body - off < (size_t)klen + vlen)
			return "record size out of range";
		if (memchr(buf + off, 0, klen + vlen))
			return "NUL inside a record";
		if (pool_append(p, (const char *)buf + off, klen,
				(const char *)buf + off + klen, vlen) < 0)
			return "out of memory";
		off += klen + vlen;
	}
	if (off != body)
		return "bytes after the last record";
	return NULL;
}

static void pool_load(unsigned int n)
{
	struct pool *p = &pools[n];
	unsigned char *buf = NULL;
	const char *why = NULL;
	char path[4096];
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd;

	pool_path(path, sizeof(path), n, "");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			hvisd_log(LOG_ERR, "%s: %s; pool %u starts empty", path, strerror(errno), n);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		why = "not a regular file";
		goto out;
	}
	if (st.st_size > MAX_FILE) {
		why = "too large";
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		why = "out of memory";
		goto out;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	why = pool_parse(p, buf, got);
out:
	if (why) {
		hvisd_log(LOG_ERR, "%s: %s; ignored, pool %u starts empty", path, why, n);
		pool_clear(p);
	}
	free(buf);
	close(fd);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	while (len) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		p += r;
		len -= r;
	}
	return 0;
}

static int sync_dir(void)
{
	int fd = open(pool_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Write pool @n to its file, atomically.  0 or -1 (logged). */
static int pool_save(unsigned int n)
{
	struct pool *p = &pools[n];
	char tmp[4096], path[4096];
	unsigned char *buf, *w;
	uint32_t u, i;
	size_t len = HEADER_SIZE + sizeof(uint64_t);
	uint64_t sum;
	int fd, r = -1;

	for (i = 0; i < p->count; i++)
		len += 8 + strlen(p->rec[i].key) + strlen(p->rec[i].value);
	buf = malloc(len);
	if (!buf) {
		hvisd_log(LOG_ERR, "pool %u: out of memory", n);
		return -1;
	}
	memcpy(buf, MAGIC, 8);
	u = p->count;
	memcpy(buf + 8, &u, 4);
	u = 0;
	memcpy(buf + 12, &u, 4);
	w = buf + HEADER_SIZE;
	for (i = 0; i < p->count; i++) {
		uint32_t klen = strlen(p->rec[i].key), vlen = strlen(p->rec[i].value);

		memcpy(w, &klen, 4);
		memcpy(w + 4, &vlen, 4);
		memcpy(w + 8, p->rec[i].key, klen);
		memcpy(w + 8 + klen, p->rec[i].value, vlen);
		w += 8 + klen + vlen;
	}
	sum = fnv1a(buf, w - buf);
	memcpy(w, &sum, sizeof(sum));

	pool_path(tmp, sizeof(tmp), n, ".tmp");
	pool_path(path, sizeof(path), n, "");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto fail;
	if (write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		goto fail;
	}
	/* The rename itself must reach the disk before we say "done". */
	if (sync_dir() < 0)
		goto fail;
	r = 0;
	goto out;
fail:
	hvisd_log(LOG_ERR, "cannot save pool %u to %s: %s", n, path, strerror(errno));
out:
	free(buf);
	return r;
}

/* mkdir -p: a minimal system may lack /var/lib itself. */
static int mkdir_p(const char *dir)
{
	char path[4096], *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int pool_init(const char *dir, unsigned int max_records)
{
	unsigned int n;
	struct stat st;

	pool_dir = dir;
	pool_max = max_records;
	if (mkdir_p(dir) < 0) {
		hvisd_log(LOG_ERR, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		hvisd_log(LOG_ERR, "%s is not a directory", dir);
		return -1;
	}
	for (n = 0; n < HVIS_KVP_POOL_COUNT; n++)
		pool_load(n);
	return 0;
}

static int pool_find(const struct pool *p, const char *key)
{
	unsigned int i;

	for (i = 0; i < p->count; i++)
		if (!strcmp(p->rec[i].key, key))
			return i;
	return -1;
}

int32_t pool_get(unsigned int n, const char *key, const char **value)
{
	int i = pool_find(&pools[n], key);

	if (i < 0)
		return HVISD_S_CONT;
	*value = pools[n].rec[i].value;
	return HVISD_S_OK;
}

int32_t pool_set(unsigned int n, const char *key, const char *value)
{
	struct pool *p = &pools[n];
	int i = pool_find(p, key);
	char *old, *v;

	if (i < 0) {
		if (p->count >= pool_max) {
			hvisd_log(LOG_WARNING, "pool %u is full (%u records)", n, pool_max);
			return HVISD_E_FAIL;
		}
		if (pool_append(p, key, strlen(key), value, strlen(value)) < 0)
			return HVISD_E_FAIL;
		if (pool_save(n) < 0) {
			p->count--;
			free(p->rec[p->count].key);
			free(p->rec[p->count].value);
			return HVISD_E_FAIL;
		}
		return HVISD_S_OK;
	}
	v = strdup(value);
	if (!v)
		return HVISD_E_FAIL;
	old = p->rec[i].value;
	p->rec[i].value = v;
	if (pool_save(n) < 0) {
		p->rec[i].value = old;
		free(v);
		return HVISD_E_FAIL;
	}
	free(old);
	return HVISD_S_OK;
}

int32_t pool_delete(unsigned int n, const char *key)
{
	struct pool *p = &pools[n];
	int i = pool_find(p, key);
	struct record gone;

	if (i < 0)
		return HVISD_S_CONT;
	gone = p->rec[i];
	memmove(&p->rec[i], &p->rec[i + 1], (p->count - i - 1) * sizeof(*p->rec));
	p->count--;
	if (pool_save(n) < 0) {
		/* Put it back where it was: the file still has it. */
		memmove(&p->rec[i + 1], &p->rec[i], (p->count - i) * sizeof(*p->rec));
		p->rec[i] = gone;
		p->count++;
		return HVISD_E_FAIL;
	}
	free(gone.key);
	free(gone.value);
	return HVISD_S_OK;
}

int32_t pool_enumerate(unsigned int n, uint32_t index, const char **key, const char **value)
{
	if (index >= pools[n].count)
		return HVISD_S_CONT;
	*key = pools[n].rec[index].key;
	*value = pools[n].rec[index].value;
	return HVISD_S_OK;
}
