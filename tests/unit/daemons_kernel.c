// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plays the kernel for the three hvis daemons, without a kernel: each
 * daemon runs with -n -F FD, FD being one end of a SOCK_SEQPACKET socket
 * pair (read() and write() keep message boundaries, as the char devices
 * do), and this program sends the requests a host would cause and checks
 * the answers and what the daemons leave on disk.
 *
 *   daemons_kernel BINDIR TMPDIR
 *
 * Prints "PASS unit/daemons/NAME" or "FAIL unit/daemons/NAME (why)" per
 * check (SKIP when the machine lacks what a check needs); exits non-zero
 * if any failed.  VSS runs with -X (a log of would-be freezes) or with -m
 * on /proc only: nothing real is ever frozen here.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <hvis/hv_daemon.h>
#include <hvis/ic_status.h>

#define S_OK		((int32_t)HVIS_IC_S_OK)
#define E_FAIL		((int32_t)HVIS_IC_E_FAIL)
#define S_CONT		((int32_t)HVIS_IC_S_CONT)
#define GUID_NOTFOUND	((int32_t)HVIS_IC_GUID_NOTFOUND)
#define ALREADY_EXISTS	((int32_t)HVIS_IC_ERROR_ALREADY_EXISTS)

static const char *bindir, *tmp;
static char why[1024];
static int failed;

/* --- running daemons ------------------------------------------------------------ */

struct dmn {
	pid_t pid;
	int fd;			/* our end of the socket pair; -1 once closed */
	char log[512];		/* its stderr */
};

#define MAX_DMN 8
static struct dmn dmns[MAX_DMN];

/*
 * Start BINDIR/@prog -n -F N @args... with stderr appended to
 * TMPDIR/@logname.log.  Returns NULL if it could not be started.
 */
static struct dmn *spawn(const char *prog, const char *logname, ...)
{
	struct timeval tv = { .tv_sec = 10 };
	char path[512], fdarg[16];
	const char *argv[32];
	struct dmn *d = NULL;
	int sv[2], i, argc = 0, log;
	va_list ap;

	for (i = 0; i < MAX_DMN && !d; i++)
		if (!dmns[i].pid)
			d = &dmns[i];
	if (!d || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", bindir, prog);
	snprintf(d->log, sizeof(d->log), "%s/%s.log", tmp, logname);
	snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
	argv[argc++] = path;
	argv[argc++] = "-n";
	argv[argc++] = "-F";
	argv[argc++] = fdarg;
	va_start(ap, logname);
	while (argc < 31 && (argv[argc] = va_arg(ap, const char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	d->pid = fork();
	if (d->pid < 0) {
		d->pid = 0;
		return NULL;
	}
	if (d->pid == 0) {
		log = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(log, 1);
		dup2(log, 2);
		/* The daemon's end must survive exec. */
		fcntl(sv[1], F_SETFD, 0);
		execv(path, (char **)argv);
		_exit(127);
	}
	close(sv[1]);
	d->fd = sv[0];
	setsockopt(d->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(d->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return d;
}

/* Wait up to @ms for @d to exit; its exit status or -1. */
static int dwait(struct dmn *d, int ms)
{
	int st;

	for (; ms >= 0; ms -= 10) {
		if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
			d->pid = 0;
			if (d->fd >= 0)
				close(d->fd);
			d->fd = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(10000);
	}
	return -1;
}

static int dstop(struct dmn *d, int sig)
{
	kill(d->pid, sig);
	return dwait(d, 5000);
}

static void reap_all(void)
{
	int i;

	for (i = 0; i < MAX_DMN; i++)
		if (dmns[i].pid && dstop(&dmns[i], SIGKILL) < 0)
			dmns[i].pid = 0;
}

static ssize_t krecv(struct dmn *d, void *buf, size_t size)
{
	ssize_t n;

	do {
		n = read(d->fd, buf, size);
	} while (n < 0 && errno == EINTR);
	return n;
}

static int ksend(struct dmn *d, const void *buf, size_t len)
{
	return write(d->fd, buf, len) == (ssize_t)len ? 0 : -1;
}

/* --- small helpers ---------------------------------------------------------------- */

static void __attribute__((format(printf, 1, 2))) set_why(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

#define EXPECT(cond, ...) do {			\
		if (!(cond)) {			\
			set_why(__VA_ARGS__);	\
			return false;		\
		}				\
	} while (0)

static void run(const char *name, bool (*fn)(void))
{
	bool ok;

	why[0] = '\0';
	ok = fn();
	reap_all();
	if (ok && !strcmp(why, "SKIP"))
		printf("SKIP unit/daemons/%s\n", name);
	else if (ok)
		printf("PASS unit/daemons/%s\n", name);
	else
		printf("FAIL unit/daemons/%s (%s)\n", name, why);
	fflush(stdout);
	failed += !ok;
}

static char filebuf[1 << 20];

/* The whole file @path (NUL-terminated, binary-safe up to 1 MiB), or "". */
static const char *slurp(const char *path, size_t *len)
{
	ssize_t n = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, filebuf, sizeof(filebuf) - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	filebuf[n] = '\0';
	if (len)
		*len = n;
	return filebuf;
}

static bool file_has(const char *path, const char *s)
{
	return strstr(slurp(path, NULL), s) != NULL;
}

/* Wait up to @ms for @path to contain @s. */
static bool file_gets(const char *path, const char *s, int ms)
{
	for (; ms >= 0; ms -= 20) {
		if (file_has(path, s))
			return true;
		usleep(20000);
	}
	return false;
}

static void tpath(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, size, "%s/", tmp);

	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static int write_file(const char *path, const void *data, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

/* Entries in @dir other than . and .., or -1. */
static int count_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* --- KVP ------------------------------------------------------------------------- */

static struct hvis_kvp_msg km;
static char kvp_state[512];

static bool kvp_up(struct dmn *d, const char *version)
{
	ssize_t n;

	EXPECT(d, "cannot start the daemon");
	n = krecv(d, &km, sizeof(km));
	EXPECT(n == sizeof(km), "registration: read %zd bytes, want %zu", n, sizeof(km));
	EXPECT(km.hdr.operation == HVIS_KVP_OP_REGISTER1, "registration op %u", km.hdr.operation);
	memset(&km, 0, sizeof(km));
	km.hdr.operation = HVIS_KVP_OP_REGISTER1;
	snprintf((char *)km.body.version, sizeof(km.body.version), "%s", version);
	EXPECT(ksend(d, &km, sizeof(km)) == 0, "registration answer not taken");
	return true;
}

static struct dmn *kvp_start(const char *log, ...)
{
	const char *a[8] = { NULL };
	va_list ap;
	int i;

	va_start(ap, log);
	for (i = 0; i < 7 && (a[i] = va_arg(ap, const char *)); i++)
		;
	va_end(ap);
	return spawn("hvis-kvp-daemon", log, "-s", kvp_state, a[0], a[1], a[2], a[3],
		     a[4], a[5], a[6], NULL);
}

/* Send km, read the answer into km; the daemon's error, or 1 on no answer. */
static int32_t kvp_xact(struct dmn *d)
{
	if (ksend(d, &km, sizeof(km)) < 0 || krecv(d, &km, sizeof(km)) != sizeof(km))
		return 1;
	return km.error;
}

static void kvp_prep(unsigned int op, unsigned int pool)
{
	memset(&km, 0, sizeof(km));
	km.hdr.operation = op;
	km.hdr.pool = pool;
}

static int32_t kvp_set(struct dmn *d, unsigned int pool, const char *key, const char *value)
{
	kvp_prep(HVIS_KVP_OP_SET, pool);
	km.body.set.key_size = strlen(key) + 1;
	memcpy(km.body.set.key, key, strlen(key) + 1);
	km.body.set.value_size = strlen(value) + 1;
	memcpy(km.body.set.value, value, strlen(value) + 1);
	km.body.set.value_type = HVIS_KVP_REG_SZ;
	return kvp_xact(d);
}

static int32_t kvp_get(struct dmn *d, unsigned int pool, const char *key, const char **value)
{
	int32_t r;

	kvp_prep(HVIS_KVP_OP_GET, pool);
	km.body.get.key_size = strlen(key) + 1;
	memcpy(km.body.get.key, key, strlen(key) + 1);
	r = kvp_xact(d);
	*value = (const char *)km.body.get.value;
	if (r == S_OK && km.body.get.value_size != strlen(*value) + 1)
		return 2;
	return r;
}

static int32_t kvp_del(struct dmn *d, unsigned int pool, const char *key)
{
	kvp_prep(HVIS_KVP_OP_DELETE, pool);
	km.body.delete_.key_size = strlen(key) + 1;
	memcpy(km.body.delete_.key, key, strlen(key) + 1);
	return kvp_xact(d);
}

static int32_t kvp_enum(struct dmn *d, unsigned int pool, uint32_t index,
			const char **key, const char **value)
{
	int32_t r;

	kvp_prep(HVIS_KVP_OP_ENUMERATE, pool);
	km.body.enumerate.index = index;
	r = kvp_xact(d);
	*key = (const char *)km.body.enumerate.data.key;
	*value = (const char *)km.body.enumerate.data.value;
	if (r == S_OK && (km.body.enumerate.data.key_size != strlen(*key) + 1 ||
			  km.body.enumerate.data.value_size != strlen(*value) + 1))
		return 2;
	return r;
}

static void kvp_fresh_state(const char *name)
{
	tpath(kvp_state, sizeof(kvp_state), "kvp-%s", name);
}

static bool t_kvp_register(void)
{
	kvp_fresh_state("register");
	return kvp_up(kvp_start("kvp-register", NULL), "3.1");
}

static bool t_kvp_set_get_all_pools(void)
{
	struct dmn *d;
	const char *v;
	char key[32], val[32];
	unsigned int p;

	kvp_fresh_state("pools");
	d = kvp_start("kvp-pools", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	for (p = 0; p < HVIS_KVP_POOL_COUNT; p++) {
		snprintf(key, sizeof(key), "key-%u", p);
		snprintf(val, sizeof(val), "value-%u", p);
		EXPECT(kvp_set(d, p, key, val) == S_OK, "SET in pool %u", p);
	}
	for (p = 0; p < HVIS_KVP_POOL_COUNT; p++) {
		snprintf(key, sizeof(key), "key-%u", p);
		snprintf(val, sizeof(val), "value-%u", p);
		EXPECT(kvp_get(d, p, key, &v) == S_OK && !strcmp(v, val), "GET in pool %u", p);
		EXPECT(km.body.get.value_type == HVIS_KVP_REG_SZ, "value_type %u",
		       km.body.get.value_type);
		/* Pools are separate. */
		snprintf(key, sizeof(key), "key-%u", (p + 1) % HVIS_KVP_POOL_COUNT);
		EXPECT(kvp_get(d, p, key, &v) == S_CONT, "pool %u sees %s", p, key);
	}
	return true;
}

static bool t_kvp_replace_delete_enumerate(void)
{
	const char *k, *v;
	struct dmn *d;

	kvp_fresh_state("ops");
	d = kvp_start("kvp-ops", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	EXPECT(kvp_set(d, 0, "a", "1") == S_OK && kvp_set(d, 0, "b", "2") == S_OK &&
	       kvp_set(d, 0, "c", "3") == S_OK, "SET");
	EXPECT(kvp_set(d, 0, "b", "two") == S_OK, "replace");
	EXPECT(kvp_get(d, 0, "b", &v) == S_OK && !strcmp(v, "two"), "GET after replace");
	EXPECT(kvp_set(d, 0, "empty", "") == S_OK, "SET of an empty value");
	EXPECT(kvp_get(d, 0, "empty", &v) == S_OK && !*v, "GET of an empty value");
	EXPECT(kvp_del(d, 0, "a") == S_OK, "DELETE");
	EXPECT(kvp_del(d, 0, "a") == S_CONT, "DELETE of a missing key");
	EXPECT(kvp_get(d, 0, "a", &v) == S_CONT, "GET of a deleted key");
	EXPECT(kvp_enum(d, 0, 0, &k, &v) == S_OK && !strcmp(k, "b") && !strcmp(v, "two"),
	       "ENUMERATE 0: %s=%s", k, v);
	EXPECT(kvp_enum(d, 0, 1, &k, &v) == S_OK && !strcmp(k, "c") && !strcmp(v, "3"),
	       "ENUMERATE 1: %s=%s", k, v);
	EXPECT(kvp_enum(d, 0, 2, &k, &v) == S_OK && !strcmp(k, "empty"), "ENUMERATE 2");
	EXPECT(kvp_enum(d, 0, 3, &k, &v) == S_CONT, "ENUMERATE past the end");
	EXPECT(kvp_enum(d, 0, 0xffffffff, &k, &v) == S_CONT, "ENUMERATE at 2^32-1");
	EXPECT(kvp_enum(d, 1, 0, &k, &v) == S_CONT, "ENUMERATE of an empty pool");
	return true;
}

static bool t_kvp_limits(void)
{
	char big[HVIS_KVP_MAX_VALUE + 1];
	const char *v;
	struct dmn *d;

	kvp_fresh_state("limits");
	d = kvp_start("kvp-limits", "-L", "3", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	EXPECT(kvp_set(d, 3, "k1", "v") == S_OK && kvp_set(d, 3, "k2", "v") == S_OK &&
	       kvp_set(d, 3, "k3", "v") == S_OK, "SET up to the limit");
	EXPECT(kvp_set(d, 3, "k4", "v") == E_FAIL, "SET past -L 3 not refused");
	EXPECT(kvp_set(d, 3, "k3", "w") == S_OK, "replace in a full pool");
	EXPECT(kvp_set(d, 4, "k4", "v") == S_OK, "the limit is per pool");

	/* The longest key and value fit; sizes past the fields do not. */
	memset(big, 'k', 511);
	big[511] = '\0';
	memset(big + 512, 'v', HVIS_KVP_MAX_VALUE - 512);
	EXPECT(kvp_set(d, 1, big, "x") == S_OK, "511-byte key");
	kvp_prep(HVIS_KVP_OP_SET, 0);
	memset(km.body.set.value, 'v', HVIS_KVP_MAX_VALUE - 1);
	km.body.set.key_size = 2;
	km.body.set.key[0] = 'L';
	km.body.set.value_size = HVIS_KVP_MAX_VALUE;
	EXPECT(kvp_xact(d) == S_OK, "2047-byte value");
	EXPECT(kvp_get(d, 0, "L", &v) == S_OK && strlen(v) == HVIS_KVP_MAX_VALUE - 1,
	       "GET of a 2047-byte value");

	kvp_prep(HVIS_KVP_OP_SET, 0);
	km.body.set.key_size = 0;
	EXPECT(kvp_xact(d) == E_FAIL, "key_size 0 accepted");
	kvp_prep(HVIS_KVP_OP_SET, 0);
	km.body.set.key_size = 600;
	memset(km.body.set.key, 'k', sizeof(km.body.set.key));
	EXPECT(kvp_xact(d) == E_FAIL, "key_size 600 accepted");
	kvp_prep(HVIS_KVP_OP_SET, 0);
	km.body.set.key_size = 2;
	km.body.set.key[0] = 'k';
	km.body.set.value_size = 0xffffffff;
	EXPECT(kvp_xact(d) == E_FAIL, "value_size 2^32-1 accepted");
	kvp_prep(HVIS_KVP_OP_GET, 7);
	EXPECT(kvp_xact(d) == E_FAIL, "pool 7 accepted");
	kvp_prep(42, 0);
	EXPECT(kvp_xact(d) == E_FAIL, "operation 42 accepted");
	/* A short message still gets a whole answer. */
	kvp_prep(HVIS_KVP_OP_GET, 0);
	EXPECT(ksend(d, &km, 100) == 0 && krecv(d, &km, sizeof(km)) == sizeof(km) &&
	       km.error != S_OK, "a 100-byte request");
	EXPECT(kvp_get(d, 3, "k3", &v) == S_OK && !strcmp(v, "w"), "alive after bad requests");
	return true;
}

static bool t_kvp_auto_pool(void)
{
	static const char *const keys[] = {
		"FullyQualifiedDomainName", "IntegrationServicesVersion",
		"NetworkAddressIPv4", "NetworkAddressIPv6", "OSBuildNumber", "OSName",
		"OSMajorVersion", "OSMinorVersion", "OSVersion", "ProcessorArchitecture",
	};
	char values[10][HVIS_KVP_MAX_VALUE];
	const char *k, *v, *name;
	struct utsname u;
	struct dmn *d;
	unsigned int i;

	kvp_fresh_state("auto");
	d = kvp_start("kvp-auto", NULL);
	if (!kvp_up(d, "3.1-test"))
		return false;
	for (i = 0; i < 10; i++) {
		EXPECT(kvp_enum(d, HVIS_KVP_POOL_AUTO, i, &k, &v) == S_OK, "index %u", i);
		EXPECT(!strcmp(k, keys[i]), "index %u is %s, want %s", i, k, keys[i]);
		snprintf(values[i], sizeof(values[i]), "%s", v);
	}
	EXPECT(kvp_enum(d, HVIS_KVP_POOL_AUTO, 10, &k, &v) == S_CONT, "index 10");
	uname(&u);
	EXPECT(!strcmp(values[0], u.nodename), "FQDN %s", values[0]);
	EXPECT(!strcmp(values[1], "3.1-test"), "IntegrationServicesVersion %s", values[1]);
	EXPECT(!strstr(values[2], "127.0.0.1"), "loopback in %s", values[2]);
	EXPECT(!strstr(values[3], "::1;") && strcmp(values[3], "::1") &&
	       (strlen(values[3]) < 5 || strcmp(values[3] + strlen(values[3]) - 4, ";::1")),
	       "loopback in %s", values[3]);
	EXPECT(!strcmp(values[4], u.release), "OSBuildNumber %s", values[4]);
	EXPECT(!strcmp(values[8], u.release), "OSVersion %s", values[8]);
	EXPECT(!strcmp(values[9], u.machine), "ProcessorArchitecture %s", values[9]);
	/* NAME= from os-release, quoted or not. */
	name = slurp("/etc/os-release", NULL);
	name = !strncmp(name, "NAME=", 5) ? name : strstr(name, "\nNAME=");
	if (name) {
		name += name[0] == '\n' ? 6 : 5;
		name += *name == '"';
		EXPECT(!strncmp(name, values[5], strlen(values[5])) &&
		       strchr("\"\n", name[strlen(values[5])]), "OSName %s", values[5]);
	}
	EXPECT(*values[6] && strspn(values[6], "0123456789") == strlen(values[6]),
	       "OSMajorVersion %s", values[6]);
	/* GET by name works in the Auto pool too. */
	EXPECT(kvp_get(d, HVIS_KVP_POOL_AUTO, "ProcessorArchitecture", &v) == S_OK &&
	       !strcmp(v, u.machine), "GET ProcessorArchitecture");
	/* Every address listed is one of ours, not loopback. */
	if (*values[2]) {
		struct ifaddrs *ifa, *a;
		char *save, *item;
		bool found;

		EXPECT(getifaddrs(&ifa) == 0, "getifaddrs");
		for (item = strtok_r(values[2], ";", &save); item;
		     item = strtok_r(NULL, ";", &save)) {
			char buf[64];

			found = false;
			for (a = ifa; a && !found; a = a->ifa_next)
				if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
				    inet_ntop(AF_INET, &((struct sockaddr_in *)a->ifa_addr)->sin_addr,
					      buf, sizeof(buf)) && !strcmp(buf, item))
					found = true;
			if (!found) {
				freeifaddrs(ifa);
				EXPECT(false, "%s is not an address here", item);
			}
		}
		freeifaddrs(ifa);
	}
	return true;
}

static bool t_kvp_persistence(void)
{
	const char *k, *v;
	struct dmn *d;
	char path[600];
	unsigned int p;

	kvp_fresh_state("persist");
	d = kvp_start("kvp-persist", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	for (p = 0; p < HVIS_KVP_POOL_COUNT; p++)
		EXPECT(kvp_set(d, p, "persist", p & 1 ? "odd" : "even") == S_OK, "SET");
	EXPECT(kvp_set(d, 0, "gone", "x") == S_OK && kvp_del(d, 0, "gone") == S_OK, "DELETE");
	EXPECT(kvp_set(d, 0, "utf8 \xc3\xa9\xe2\x82\xac", "\xe6\x97\xa5\xe6\x9c\xac") == S_OK,
	       "UTF-8 SET");
	EXPECT(dstop(d, SIGTERM) == 0, "exit status on SIGTERM");
	for (p = 0; p < HVIS_KVP_POOL_COUNT; p++) {
		snprintf(path, sizeof(path), "%s/.kvp_pool_%u", kvp_state, p);
		EXPECT(access(path, F_OK) == 0, "no %s", path);
	}
	d = kvp_start("kvp-persist2", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	for (p = 0; p < HVIS_KVP_POOL_COUNT; p++)
		EXPECT(kvp_get(d, p, "persist", &v) == S_OK && !strcmp(v, p & 1 ? "odd" : "even"),
		       "pool %u after restart", p);
	EXPECT(kvp_get(d, 0, "gone", &v) == S_CONT, "a deleted key came back");
	EXPECT(kvp_enum(d, 0, 1, &k, &v) == S_OK && !strcmp(k, "utf8 \xc3\xa9\xe2\x82\xac") &&
	       !strcmp(v, "\xe6\x97\xa5\xe6\x9c\xac"), "UTF-8 after restart");
	EXPECT(!file_has(d->log, "ignored"), "a pool was ignored on restart");
	return true;
}

static bool t_kvp_corrupt_files(void)
{
	static const char junk[] = "this is not a pool file";
	char path[600], path2[600];
	const char *k, *v, *img;
	size_t len;
	struct dmn *d;

	kvp_fresh_state("corrupt");
	mkdir(kvp_state, 0755);
	snprintf(path, sizeof(path), "%s/.kvp_pool_0", kvp_state);
	EXPECT(write_file(path, junk, sizeof(junk), 0600) == 0, "write %s", path);
	d = kvp_start("kvp-corrupt", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	EXPECT(file_has(d->log, ".kvp_pool_0: not a pool file; ignored"),
	       "no log line about the junk pool file");
	EXPECT(kvp_enum(d, 0, 0, &k, &v) == S_CONT, "junk loaded as records");
	EXPECT(kvp_set(d, 1, "a", "1") == S_OK && kvp_set(d, 1, "b", "2") == S_OK, "SET");
	EXPECT(kvp_set(d, 0, "fresh", "1") == S_OK, "SET over the junk file");
	dstop(d, SIGTERM);

	/* Pool 1 cut short by 5 bytes, then with one byte flipped. */
	snprintf(path2, sizeof(path2), "%s/.kvp_pool_1", kvp_state);
	img = slurp(path2, &len);
	EXPECT(len > 20, "pool 1 file is %zu bytes", len);
	EXPECT(write_file(path2, img, len - 5, 0600) == 0, "truncate");
	d = kvp_start("kvp-corrupt2", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	EXPECT(file_has(d->log, ".kvp_pool_1: checksum mismatch"), "truncation not noticed");
	EXPECT(kvp_enum(d, 1, 0, &k, &v) == S_CONT, "truncated pool loaded");
	EXPECT(kvp_get(d, 0, "fresh", &v) == S_OK, "pool 0 lost");
	EXPECT(kvp_set(d, 1, "c", "3") == S_OK, "SET");
	dstop(d, SIGTERM);
	img = slurp(path2, &len);
	filebuf[len / 2] ^= 0x40;
	EXPECT(write_file(path2, img, len, 0600) == 0, "flip");
	d = kvp_start("kvp-corrupt3", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	EXPECT(file_has(d->log, ".kvp_pool_1: checksum mismatch"), "a flipped byte not noticed");
	EXPECT(kvp_enum(d, 1, 0, &k, &v) == S_CONT, "damaged pool loaded");
	return true;
}

/* The value stored under "key<i>" in the kill -9 test. */
static void kill_value(char *buf, size_t size, unsigned int i)
{
	size_t n = 1000 + (i * 37) % 1000;

	memset(buf, 'a' + i % 26, n);
	snprintf(buf + n, size - n, "-%u", i);
}

static bool t_kvp_kill9(void)
{
	char key[32], value[HVIS_KVP_MAX_VALUE], log[32];
	unsigned int round, acked = 0, sent, i;
	const char *k, *v;
	struct dmn *d;
	pid_t killer;

	kvp_fresh_state("kill9");
	srand(getpid());
	for (round = 0; round < 12; round++) {
		snprintf(log, sizeof(log), "kvp-kill9-%u", round);
		d = kvp_start(log, "-L", "100000", NULL);
		if (!kvp_up(d, "3.1"))
			return false;
		/* The pool holds exactly key0..key(M-1), M counting our acks. */
		for (i = 0;; i++) {
			int32_t r = kvp_enum(d, 0, i, &k, &v);

			if (r == S_CONT)
				break;
			EXPECT(r == S_OK, "round %u: ENUMERATE %u: %#x", round, i, r);
			snprintf(key, sizeof(key), "key%u", i);
			kill_value(value, sizeof(value), i);
			EXPECT(!strcmp(k, key) && !strcmp(v, value), "round %u: record %u is %s",
			       round, i, k);
		}
		EXPECT(i >= acked && i <= acked + 1, "round %u: %u records, %u acknowledged",
		       round, i, acked);
		EXPECT(!file_has(d->log, "ignored"), "round %u: pool file ignored", round);
		if (round == 11)
			break;
		acked = sent = i;
		killer = fork();
		if (killer == 0) {
			usleep(rand() % 30000);
			kill(d->pid, SIGKILL);
			_exit(0);
		}
		for (;; sent++) {
			snprintf(key, sizeof(key), "key%u", sent);
			kill_value(value, sizeof(value), sent);
			if (kvp_set(d, 0, key, value) != S_OK)
				break;
			acked = sent + 1;
		}
		waitpid(killer, NULL, 0);
		dwait(d, 5000);
	}
	return true;
}

/* The "lo" interface, which every Linux machine has, with 127.0.0.1. */
static bool have_lo_v4(void)
{
	struct ifaddrs *ifa, *a;
	bool r = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (a = ifa; a; a = a->ifa_next)
		if (!strcmp(a->ifa_name, "lo") && a->ifa_addr && a->ifa_addr->sa_family == AF_INET)
			r = true;
	freeifaddrs(ifa);
	return r;
}

static void ip_prep(unsigned int op, const char *adapter)
{
	kvp_prep(op, 0);
	snprintf((char *)&km.body.ipaddr.adapter_id, sizeof(km.body.ipaddr.adapter_id), "%s",
		 adapter);
}

#define IPF(f) ((char *)&km.body.ipaddr + offsetof(struct hvis_kvp_ipaddr, f))

static bool t_kvp_get_ip_info(void)
{
	char mac[64] = "", path[600];
	struct dirent *e;
	struct dmn *d;
	DIR *dir;

	kvp_fresh_state("getip");
	d = kvp_start("kvp-getip", "-S", "/nonexistent", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	ip_prep(HVIS_KVP_OP_GET_IP_INFO, "00:de:ad:be:ef:00");
	EXPECT(kvp_xact(d) == GUID_NOTFOUND, "an unknown adapter");
	ip_prep(HVIS_KVP_OP_GET_IP_INFO, "nosuch0");
	EXPECT(kvp_xact(d) == GUID_NOTFOUND, "an unknown interface name");
	if (have_lo_v4()) {
		ip_prep(HVIS_KVP_OP_GET_IP_INFO, "lo");
		km.body.ipaddr.addr_family = HVIS_KVP_ADDR_IPV4;
		EXPECT(kvp_xact(d) == S_OK, "GET_IP_INFO lo");
		EXPECT(strstr(IPF(ip_addr), "127.0.0.1"), "lo addresses: %s", IPF(ip_addr));
		EXPECT(strstr(IPF(sub_net), "255.0.0.0"), "lo masks: %s", IPF(sub_net));
		EXPECT(!strchr(IPF(ip_addr), ':'), "IPv6 listed for IPv4: %s", IPF(ip_addr));
		EXPECT(!strcmp(IPF(adapter_id), "lo"), "adapter_id changed");
	}
	/* A real adapter by its MAC address, in the host's upper-case dashed form. */
	dir = opendir("/sys/class/net");
	while (dir && (e = readdir(dir)) && !*mac) {
		const char *a;
		int i;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo"))
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", e->d_name);
		a = slurp(path, NULL);
		if (strlen(a) < 17 || !strcmp(a, "00:00:00:00:00:00\n"))
			continue;
		for (i = 0; i < 17; i++)
			mac[i] = a[i] == ':' ? '-' : (a[i] >= 'a' && a[i] <= 'f' ? a[i] - 32 : a[i]);
		mac[17] = '\0';
	}
	if (dir)
		closedir(dir);
	if (!*mac)
		return true;
	ip_prep(HVIS_KVP_OP_GET_IP_INFO, mac);
	EXPECT(kvp_xact(d) == S_OK, "GET_IP_INFO by MAC %s", mac);
	return true;
}

static bool t_kvp_set_ip_info(void)
{
	char scripts[600], script[700], applied[600], cfg[4096];
	const char *text;
	struct dmn *d;

	kvp_fresh_state("setip");
	tpath(scripts, sizeof(scripts), "scripts");
	tpath(applied, sizeof(applied), "applied");
	mkdir(scripts, 0755);
	snprintf(script, sizeof(script), "%s/hv_set_ifconfig", scripts);
	snprintf(cfg, sizeof(cfg), "#!/bin/sh\ncp \"$1\" %s\n", applied);
	EXPECT(write_file(script, cfg, strlen(cfg), 0755) == 0, "write %s", script);

	d = kvp_start("kvp-setip", "-S", scripts, NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	ip_prep(HVIS_KVP_OP_SET_IP_INFO, "00:de:ad:be:ef:00");
	EXPECT(kvp_xact(d) == GUID_NOTFOUND, "an unknown adapter");

	ip_prep(HVIS_KVP_OP_SET_IP_INFO, "lo");
	strcpy(IPF(ip_addr), "192.0.2.10;198.51.100.7;2001:db8::5");
	strcpy(IPF(sub_net), "255.255.255.0;255.255.0.0;64");
	strcpy(IPF(gate_way), "192.0.2.1");
	strcpy(IPF(dns_addr), "192.0.2.53;2001:db8::53");
	EXPECT(kvp_xact(d) == S_OK, "SET_IP_INFO lo");
	text = slurp(applied, NULL);
	EXPECT(strstr(text, "DEVICE=lo\n") && strstr(text, "BOOTPROTO=none\n") &&
	       strstr(text, "IPADDR=192.0.2.10\n") && strstr(text, "NETMASK=255.255.255.0\n") &&
	       strstr(text, "IPADDR1=198.51.100.7\n") && strstr(text, "NETMASK1=255.255.0.0\n") &&
	       strstr(text, "IPV6ADDR=2001:db8::5/64\n") && strstr(text, "GATEWAY=192.0.2.1\n") &&
	       strstr(text, "DNS1=192.0.2.53\n") && strstr(text, "DNS2=2001:db8::53\n"),
	       "config given to hv_set_ifconfig:\n%s", text);

	/* Nothing but addresses reaches the (shell-sourced) file. */
	unlink(applied);
	ip_prep(HVIS_KVP_OP_SET_IP_INFO, "lo");
	strcpy(IPF(ip_addr), "192.0.2.10;$(touch /tmp/pwned)");
	strcpy(IPF(sub_net), "255.255.255.0;255.255.255.0");
	EXPECT(kvp_xact(d) == E_FAIL, "a shell command as an address");
	EXPECT(access(applied, F_OK) < 0, "the script ran on a bad address");

	ip_prep(HVIS_KVP_OP_SET_IP_INFO, "lo");
	km.body.ipaddr.dhcp_enabled = 1;
	EXPECT(kvp_xact(d) == S_OK, "SET_IP_INFO dhcp");
	EXPECT(file_has(applied, "BOOTPROTO=dhcp\n"), "dhcp not in the config");

	unlink(script);
	ip_prep(HVIS_KVP_OP_SET_IP_INFO, "lo");
	EXPECT(kvp_xact(d) == E_FAIL, "SET_IP_INFO without the helper script");
	return true;
}

static bool t_kvp_device_gone(void)
{
	struct dmn *d;
	int st;

	kvp_fresh_state("gone");
	d = kvp_start("kvp-gone", NULL);
	if (!kvp_up(d, "3.1"))
		return false;
	close(d->fd);
	d->fd = -1;
	st = dwait(d, 5000);
	EXPECT(st == 1, "exit status %d", st);
	EXPECT(file_has(d->log, "went away"), "no message");
	return true;
}

/*
 * Run BINDIR/@prog -n @args (NULL-terminated, at most 6); its exit status,
 * or -1 if it was still running after @ms (then it is stopped).
 */
static int run_plain(const char *prog, const char *log, int ms, ...)
{
	struct dmn d = { .fd = -1 };
	const char *argv[10];
	char path[512];
	int st, argc = 0;
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", bindir, prog);
	snprintf(d.log, sizeof(d.log), "%s/%s.log", tmp, log);
	argv[argc++] = path;
	argv[argc++] = "-n";
	va_start(ap, ms);
	while (argc < 9 && (argv[argc] = va_arg(ap, const char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	d.pid = fork();
	if (d.pid == 0) {
		int fd = open(d.log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(path, (char **)argv);
		_exit(127);
	}
	st = dwait(&d, ms);
	if (st < 0) {
		kill(d.pid, SIGTERM);
		dwait(&d, 5000);
	}
	return st;
}

static bool t_common_options(void)
{
	static const char *const progs[] = {
		"hvis-kvp-daemon", "hvis-vss-daemon", "hvis-fcopy-daemon"
	};
	char log[64], logpath[600], dev[600], state[600];
	const char *s1, *s2;
	unsigned int i;
	int st;

	tpath(dev, sizeof(dev), "no-such-device");
	tpath(state, sizeof(state), "kvp-opts");
	for (i = 0; i < 3; i++) {
		/* The KVP daemon must not touch /var/lib here. */
		s1 = i ? NULL : "-s";
		s2 = i ? NULL : state;
		snprintf(log, sizeof(log), "%s-opts", progs[i]);
		tpath(logpath, sizeof(logpath), "%s.log", log);
		st = run_plain(progs[i], log, 5000, "-h", NULL);
		EXPECT(st == 0, "%s -h: %d", progs[i], st);
		EXPECT(file_has(logpath, "usage:") && file_has(logpath, "-d DEVICE"),
		       "%s -h text", progs[i]);
		st = run_plain(progs[i], log, 5000, "-Z", NULL);
		EXPECT(st == 2, "%s -Z: %d", progs[i], st);
		st = run_plain(progs[i], log, 5000, "-d", dev, s1, s2, NULL);
		EXPECT(st == 1, "%s with a missing device: %d", progs[i], st);
		EXPECT(file_has(logpath, "no-such-device: No such file"), "%s: no reason given",
		       progs[i]);
		/* With -r it waits for the device instead. */
		st = run_plain(progs[i], log, 1500, "-r", "-d", dev, s1, s2, NULL);
		EXPECT(st == -1, "%s -r with a missing device exited: %d", progs[i], st);
	}
	return true;
}

/* --- VSS ------------------------------------------------------------------------- */

static char fakelog[600];

static bool vss_up(struct dmn *d)
{
	struct hvis_vss_msg m;
	uint32_t answer = HVIS_VSS_OP_REGISTER1;
	ssize_t n;

	EXPECT(d, "cannot start the daemon");
	n = krecv(d, &m, sizeof(m) + 4);
	EXPECT(n == sizeof(m), "registration: read %zd bytes", n);
	EXPECT(m.hdr.operation == HVIS_VSS_OP_REGISTER1, "registration op %u", m.hdr.operation);
	EXPECT(ksend(d, &answer, sizeof(answer)) == 0, "registration answer not taken");
	return true;
}

static int32_t vss_op(struct dmn *d, unsigned int op)
{
	struct hvis_vss_msg m = { .hdr.operation = op };

	if (ksend(d, &m, sizeof(m)) < 0 || krecv(d, &m, sizeof(m) + 4) != sizeof(m))
		return 1;
	return m.error;
}

/* A VSS daemon logging would-be freezes to a fresh fakelog. */
static struct dmn *vss_start(const char *log, const char *timeout, ...)
{
	const char *a[10] = { NULL };
	va_list ap;
	int i;

	tpath(fakelog, sizeof(fakelog), "%s.freezes", log);
	unlink(fakelog);
	va_start(ap, timeout);
	for (i = 0; i < 9 && (a[i] = va_arg(ap, const char *)); i++)
		;
	va_end(ap);
	return spawn("hvis-vss-daemon", log, "-X", fakelog, "-t", timeout, a[0], a[1], a[2],
		     a[3], a[4], a[5], a[6], a[7], a[8], NULL);
}

static bool t_vss_basic_ops(void)
{
	struct dmn *d = vss_start("vss-basic", "60", "-m", "/proc", NULL);

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_HOT_BACKUP) == S_OK, "HOT_BACKUP");
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == S_OK, "THAW while not frozen");
	EXPECT(vss_op(d, 77) == E_FAIL, "unknown operation");
	return true;
}

static bool t_vss_freeze_thaw(void)
{
	struct dmn *d = vss_start("vss-ft", "60", "-m", "/proc", "-m", "/sys", NULL);

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	EXPECT(!strcmp(slurp(fakelog, NULL), "freeze /proc daemon\nfreeze /sys daemon\n"),
	       "after FREEZE: %s", filebuf);
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == S_OK, "THAW");
	EXPECT(!strcmp(slurp(fakelog, NULL), "freeze /proc daemon\nfreeze /sys daemon\n"
			"thaw /sys daemon\nthaw /proc daemon\n"), "after THAW: %s", filebuf);
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK && vss_op(d, HVIS_VSS_OP_THAW) == S_OK,
	       "a second backup");
	return true;
}

/* Nothing reaches the log while frozen; it all comes after the thaw. */
static bool t_vss_no_log_while_frozen(void)
{
	struct dmn *d = vss_start("vss-quiet", "60", "-m", "/proc", NULL);

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	usleep(100000);
	EXPECT(!file_has(d->log, "froze"), "logged while frozen");
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == S_OK, "THAW");
	EXPECT(file_gets(d->log, "froze 1 filesystem", 2000), "held lines not written after thaw");
	EXPECT(file_has(d->log, "THAW: thawed 1 filesystem"), "no thaw line");
	return true;
}

static bool t_vss_dedup(void)
{
	struct dmn *d = vss_start("vss-dedup", "60", "-m", "/proc", "-m", "/proc/sys",
				  "-m", "/proc/self/..", NULL);

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	EXPECT(!strcmp(slurp(fakelog, NULL), "freeze /proc daemon\n"), "froze: %s", filebuf);
	return true;
}

/* From a mount table: only writable local filesystems, once each, "/" last. */
static bool t_vss_mount_table(void)
{
	static const char table[] =
		"/dev/vda / ext4 rw,relatime 0 0\n"
		"proc /proc proc rw 0 0\n"
		"sysfs /sys ext4 rw 0 0\n"
		"tmpfs /dev/shm tmpfs rw 0 0\n"
		"/dev/vdb /dev xfs ro,relatime 0 0\n"
		"/dev/vdc /sys/kernel ext4 rw 0 0\n"
		"cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n"
		"overlay /proc/self overlay rw 0 0\n"
		"srv:/x /proc/sys nfs4 rw 0 0\n";
	char mounts[600];
	struct dmn *d;

	tpath(mounts, sizeof(mounts), "mounts");
	EXPECT(write_file(mounts, table, sizeof(table) - 1, 0644) == 0, "write %s", mounts);
	d = vss_start("vss-table", "60", "-M", mounts, NULL);
	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == S_OK, "THAW");
	EXPECT(!strcmp(slurp(fakelog, NULL), "freeze /sys daemon\nfreeze / daemon\n"
		       "thaw / daemon\nthaw /sys daemon\n"), "got: %s", filebuf);
	return true;
}

static bool t_vss_freeze_fails(void)
{
	char missing[600];
	struct dmn *d;

	tpath(missing, sizeof(missing), "not-mounted");
	d = vss_start("vss-fail", "60", "-m", "/proc", "-m", "/sys", "-m", missing, NULL);
	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == E_FAIL, "FREEZE with a missing mount");
	EXPECT(!strcmp(slurp(fakelog, NULL), "freeze /proc daemon\nfreeze /sys daemon\n"
			"thaw /sys daemon\nthaw /proc daemon\n"), "got: %s", filebuf);
	EXPECT(file_gets(d->log, "not-mounted: No such file", 2000), "no reason logged");
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == S_OK, "THAW after a failed FREEZE");
	return true;
}

static bool t_vss_timeout(void)
{
	struct dmn *d = vss_start("vss-timeout", "1", "-m", "/proc", NULL);

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	EXPECT(file_gets(fakelog, "thaw /proc daemon\n", 3000), "not thawed after -t 1: %s",
	       filebuf);
	EXPECT(file_gets(d->log, "no THAW in time", 1000), "no log line");
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == E_FAIL, "late THAW did not fail");
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == S_OK, "second THAW");
	usleep(1500000);
	EXPECT(!file_has(fakelog, "watchdog"), "the watchdog child thawed too: %s", filebuf);
	return true;
}

static bool t_vss_sigterm_thaws(void)
{
	struct dmn *d = vss_start("vss-term", "60", "-m", "/proc", NULL);
	int st;

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	st = dstop(d, SIGTERM);
	EXPECT(st == 0, "exit status %d", st);
	EXPECT(file_has(fakelog, "thaw /proc daemon\n"), "not thawed: %s", filebuf);
	return true;
}

static bool t_vss_sigkill_watchdog(void)
{
	struct dmn *d = vss_start("vss-kill", "60", "-m", "/proc", "-m", "/sys", NULL);

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	dstop(d, SIGKILL);
	EXPECT(file_gets(fakelog, "thaw /proc watchdog\n", 2000) &&
	       file_has(fakelog, "thaw /sys watchdog\n"), "not thawed: %s", filebuf);
	EXPECT(file_gets(d->log, "the daemon is gone while frozen", 1000), "no log line");
	return true;
}

/* A daemon that hangs (stopped) while frozen: the child thaws after the timeout. */
static bool t_vss_stuck_daemon(void)
{
	struct dmn *d = vss_start("vss-stuck", "1", "-m", "/proc", NULL);

	if (!vss_up(d))
		return false;
	EXPECT(vss_op(d, HVIS_VSS_OP_FREEZE) == S_OK, "FREEZE");
	kill(d->pid, SIGSTOP);
	EXPECT(file_gets(fakelog, "thaw /proc watchdog\n", 4000), "not thawed: %s", filebuf);
	kill(d->pid, SIGCONT);
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == E_FAIL, "THAW after the watchdog");
	return true;
}

/*
 * Real FIFREEZE on /proc: "not supported" (EOPNOTSUPP: skipped, success)
 * with CAP_SYS_ADMIN, "not permitted" (a failure) without; never frozen.
 */
static bool t_vss_real_ioctl(void)
{
	struct dmn *d = spawn("hvis-vss-daemon", "vss-real", "-m", "/proc", NULL);
	int32_t r;

	if (!vss_up(d))
		return false;
	r = vss_op(d, HVIS_VSS_OP_FREEZE);
	EXPECT(r == S_OK || r == E_FAIL, "FREEZE of /proc: %#x", r);
	if (r == S_OK)
		EXPECT(file_gets(d->log, "/proc cannot be frozen, skipped", 1000), "no skip line");
	else
		EXPECT(file_gets(d->log, "cannot freeze /proc: Operation not permitted", 1000),
		       "no reason logged");
	EXPECT(vss_op(d, HVIS_VSS_OP_THAW) == S_OK, "THAW");
	return true;
}

static bool t_vss_test_mode_is_safe(void)
{
	struct dmn *d = spawn("hvis-vss-daemon", "vss-safe", NULL);
	struct dmn *e;
	int st;

	EXPECT(d, "cannot start");
	st = dwait(d, 5000);
	EXPECT(st == 2, "-F without -X or -m: exit %d", st);
	e = spawn("hvis-vss-daemon", "vss-safe", "-m", "/proc", "-M", "/proc/self/mounts", NULL);
	EXPECT(e, "cannot start");
	st = dwait(e, 5000);
	EXPECT(st == 2, "-M without -X: exit %d", st);
	return true;
}

/* --- fcopy ------------------------------------------------------------------------ */

static bool fc_up(struct dmn *d)
{
	uint32_t answer = 1;
	int32_t v = 0;
	ssize_t n;

	EXPECT(d, "cannot start the daemon");
	n = krecv(d, &v, sizeof(v) + 4);
	EXPECT(n == 4 && v == HVIS_FCOPY_VERSION_1, "registration: %zd bytes, %d", n, v);
	EXPECT(ksend(d, &answer, sizeof(answer)) == 0, "registration answer not taken");
	return true;
}

static int32_t fc_answer(struct dmn *d, const void *msg, size_t len)
{
	int32_t r;

	if (ksend(d, msg, len) < 0 || krecv(d, &r, sizeof(r) + 4) != sizeof(r))
		return 1;
	return r;
}

static int32_t fc_start(struct dmn *d, const char *dir, const char *name, uint32_t flags,
			uint64_t size)
{
	struct hvis_fcopy_start m;

	memset(&m, 0, sizeof(m));
	m.hdr.operation = HVIS_FCOPY_START;
	snprintf((char *)&m + offsetof(struct hvis_fcopy_start, file_name),
		 sizeof(m.file_name), "%s", name);
	snprintf((char *)&m + offsetof(struct hvis_fcopy_start, path_name),
		 sizeof(m.path_name), "%s", dir);
	m.copy_flags = flags;
	m.file_size = size;
	return fc_answer(d, &m, sizeof(m));
}

static int32_t fc_write(struct dmn *d, uint64_t off, const void *data, uint32_t size)
{
	static struct hvis_fcopy_write m;

	memset(&m, 0, sizeof(m));
	m.hdr.operation = HVIS_FCOPY_WRITE;
	m.offset = off;
	m.size = size;
	memcpy(m.data, data, size > sizeof(m.data) ? sizeof(m.data) : size);
	return fc_answer(d, &m, sizeof(m));
}

static int32_t fc_op(struct dmn *d, uint32_t op)
{
	struct hvis_fcopy_hdr h;

	memset(&h, 0, sizeof(h));
	h.operation = op;
	return fc_answer(d, &h, sizeof(h));
}

static unsigned char pattern[64 * 1024];

/* Copy the first @size bytes of pattern in 6144-byte fragments; the last status. */
static int32_t fc_copy(struct dmn *d, const char *dir, const char *name, uint32_t flags,
		       size_t size)
{
	int32_t r = fc_start(d, dir, name, flags, size);
	size_t off;

	for (off = 0; r == S_OK && off < size; off += HVIS_FCOPY_FRAGMENT)
		r = fc_write(d, off, pattern + off,
			     size - off < HVIS_FCOPY_FRAGMENT ? size - off : HVIS_FCOPY_FRAGMENT);
	return r == S_OK ? fc_op(d, HVIS_FCOPY_COMPLETE) : r;
}

static bool same_as_pattern(const char *path, size_t size)
{
	size_t len;
	const char *img = slurp(path, &len);

	return len == size && !memcmp(img, pattern, size);
}

static char fcdir[600];

static struct dmn *fc_begin(const char *name)
{
	struct dmn *d;

	tpath(fcdir, sizeof(fcdir), "fc-%s", name);
	mkdir(fcdir, 0755);
	d = spawn("hvis-fcopy-daemon", fcdir + strlen(tmp) + 1, NULL);
	return fc_up(d) ? d : NULL;
}

static bool t_fcopy_copy(void)
{
	struct dmn *d = fc_begin("copy");
	char path[700];
	struct stat st;

	if (!d)
		return false;
	EXPECT(fc_start(d, fcdir, "f.bin", 0, 20480) == S_OK, "START");
	EXPECT(fc_write(d, 0, pattern, 6144) == S_OK && fc_write(d, 6144, pattern + 6144, 6144) ==
	       S_OK, "WRITE");
	snprintf(path, sizeof(path), "%s/f.bin", fcdir);
	EXPECT(access(path, F_OK) < 0, "the file is visible before COMPLETE");
	EXPECT(count_entries(fcdir) == 1, "no temporary file");
	/* Out of order is fine; pwrite at the offset. */
	EXPECT(fc_write(d, 18432, pattern + 18432, 2048) == S_OK &&
	       fc_write(d, 12288, pattern + 12288, 6144) == S_OK, "WRITE");
	EXPECT(fc_op(d, HVIS_FCOPY_COMPLETE) == S_OK, "COMPLETE");
	EXPECT(same_as_pattern(path, 20480), "content differs");
	EXPECT(count_entries(fcdir) == 1, "%d entries after COMPLETE", count_entries(fcdir));
	EXPECT(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644, "mode %o", st.st_mode);
	EXPECT(fc_copy(d, fcdir, "empty", 0, 0) == S_OK, "an empty file");
	snprintf(path, sizeof(path), "%s/empty", fcdir);
	EXPECT(stat(path, &st) == 0 && st.st_size == 0, "empty file");
	EXPECT(fc_op(d, HVIS_FCOPY_COMPLETE) == E_FAIL, "COMPLETE without START");
	EXPECT(fc_write(d, 0, pattern, 10) == E_FAIL, "WRITE without START");
	return true;
}

static bool t_fcopy_exists_overwrite(void)
{
	struct dmn *d = fc_begin("exists");
	char path[700];

	if (!d)
		return false;
	snprintf(path, sizeof(path), "%s/f", fcdir);
	EXPECT(write_file(path, "old", 3, 0600) == 0, "write %s", path);
	EXPECT(fc_start(d, fcdir, "f", 0, 100) == ALREADY_EXISTS, "START on an existing file");
	EXPECT(fc_start(d, fcdir, "f", HVIS_FCOPY_CREATE_PATH, 100) == ALREADY_EXISTS,
	       "START on an existing file with CREATE_PATH");
	EXPECT(!strcmp(slurp(path, NULL), "old"), "the old file changed");
	EXPECT(fc_copy(d, fcdir, "f", HVIS_FCOPY_OVERWRITE, 10000) == S_OK, "OVERWRITE");
	EXPECT(same_as_pattern(path, 10000), "not overwritten");
	EXPECT(count_entries(fcdir) == 1, "leftovers");
	/* A file appearing during the copy is not clobbered without OVERWRITE. */
	snprintf(path, sizeof(path), "%s/late", fcdir);
	EXPECT(fc_start(d, fcdir, "late", 0, 5) == S_OK && fc_write(d, 0, pattern, 5) == S_OK,
	       "START");
	EXPECT(write_file(path, "mine", 4, 0600) == 0, "write %s", path);
	EXPECT(fc_op(d, HVIS_FCOPY_COMPLETE) == ALREADY_EXISTS, "COMPLETE over a new file");
	EXPECT(!strcmp(slurp(path, NULL), "mine"), "the new file was clobbered");
	EXPECT(count_entries(fcdir) == 2, "leftovers");
	/* A directory of that name is never replaced. */
	snprintf(path, sizeof(path), "%s/sub", fcdir);
	mkdir(path, 0755);
	EXPECT(fc_start(d, fcdir, "sub", HVIS_FCOPY_OVERWRITE, 5) == E_FAIL, "over a directory");
	return true;
}

static bool t_fcopy_create_path(void)
{
	struct dmn *d = fc_begin("mkpath");
	char dir[700], path[800];
	struct stat st;

	if (!d)
		return false;
	snprintf(dir, sizeof(dir), "%s/a/b//c/", fcdir);
	EXPECT(fc_start(d, dir, "f", 0, 10) == E_FAIL, "a missing directory without CREATE_PATH");
	snprintf(path, sizeof(path), "%s/a", fcdir);
	EXPECT(access(path, F_OK) < 0, "created without CREATE_PATH");
	EXPECT(fc_copy(d, dir, "f", HVIS_FCOPY_CREATE_PATH, 10) == S_OK, "CREATE_PATH");
	snprintf(path, sizeof(path), "%s/a/b/c/f", fcdir);
	EXPECT(same_as_pattern(path, 10), "content");
	snprintf(path, sizeof(path), "%s/a/b", fcdir);
	EXPECT(stat(path, &st) == 0 && (st.st_mode & 07777) == 0755, "mode %o", st.st_mode);
	/* A relative path is taken from "/". */
	EXPECT(fc_copy(d, fcdir + 1, "rel", 0, 10) == S_OK, "a path without the leading /");
	snprintf(path, sizeof(path), "%s/rel", fcdir);
	EXPECT(same_as_pattern(path, 10), "relative path");
	return true;
}

static bool t_fcopy_symlinks(void)
{
	struct dmn *d = fc_begin("symlink");
	char out[700], link[700], dir[800], target[800];

	if (!d)
		return false;
	snprintf(out, sizeof(out), "%s-outside", fcdir);
	mkdir(out, 0755);
	snprintf(link, sizeof(link), "%s/link", fcdir);
	EXPECT(symlink(out, link) == 0, "symlink");
	EXPECT(fc_start(d, link, "f", HVIS_FCOPY_OVERWRITE, 10) == E_FAIL, "through a symlink");
	snprintf(dir, sizeof(dir), "%s/sub", link);
	EXPECT(fc_start(d, dir, "f", HVIS_FCOPY_CREATE_PATH, 10) == E_FAIL,
	       "through a symlink with CREATE_PATH");
	EXPECT(count_entries(out) == 0, "something was written outside");
	/* A symlink as the file name is replaced (OVERWRITE), never followed. */
	snprintf(target, sizeof(target), "%s/target", out);
	EXPECT(write_file(target, "keep", 4, 0600) == 0, "write %s", target);
	snprintf(link, sizeof(link), "%s/f", fcdir);
	EXPECT(symlink(target, link) == 0, "symlink");
	EXPECT(fc_start(d, fcdir, "f", 0, 10) == ALREADY_EXISTS, "a symlink is an existing file");
	EXPECT(fc_copy(d, fcdir, "f", HVIS_FCOPY_OVERWRITE, 10) == S_OK, "over a symlink");
	EXPECT(!strcmp(slurp(target, NULL), "keep"), "the link target was written");
	EXPECT(same_as_pattern(link, 10), "the link was not replaced by the file");
	return true;
}

static bool t_fcopy_bad_requests(void)
{
	static const char *const names[] = { "", ".", "..", "a/b", "/abs" };
	struct dmn *d = fc_begin("bad");
	char longname[300];
	unsigned int i;
	struct hvis_fcopy_start m;

	if (!d)
		return false;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		EXPECT(fc_start(d, fcdir, names[i], HVIS_FCOPY_OVERWRITE |
				HVIS_FCOPY_CREATE_PATH, 10) == E_FAIL, "name \"%s\"", names[i]);
	memset(longname, 'n', 259);
	longname[259] = '\0';
	EXPECT(fc_start(d, fcdir, longname, 0, 10) == E_FAIL, "a 259-byte name");
	/* Unterminated names. */
	memset(&m, 'x', sizeof(m));
	m.hdr.operation = HVIS_FCOPY_START;
	EXPECT(fc_answer(d, &m, sizeof(m)) == E_FAIL, "unterminated names");
	EXPECT(fc_answer(d, &m, 100) == E_FAIL, "a short START");
	EXPECT(fc_answer(d, &m, 2) == E_FAIL, "a 2-byte message");
	EXPECT(fc_op(d, 9) == E_FAIL, "operation 9");

	EXPECT(fc_start(d, fcdir, "f", 0, 100) == S_OK, "START");
	EXPECT(fc_write(d, 95, pattern, 6) == E_FAIL, "WRITE past the announced size");
	EXPECT(fc_write(d, UINT64_MAX - 2, pattern, 6) == E_FAIL, "WRITE at 2^64-3");
	EXPECT(fc_write(d, 0, pattern, HVIS_FCOPY_FRAGMENT + 1) == E_FAIL, "WRITE of 6145");
	EXPECT(fc_write(d, 0, pattern, 100) == S_OK, "WRITE");
	EXPECT(fc_op(d, HVIS_FCOPY_CANCEL) == S_OK, "CANCEL");
	/* COMPLETE of a short file fails and leaves nothing. */
	EXPECT(fc_start(d, fcdir, "g", 0, 100) == S_OK && fc_write(d, 0, pattern, 50) == S_OK,
	       "START");
	EXPECT(fc_op(d, HVIS_FCOPY_COMPLETE) == E_FAIL, "COMPLETE of 50 of 100 bytes");
	EXPECT(count_entries(fcdir) == 0, "leftovers");
	return true;
}

static bool t_fcopy_cancel_leaves_nothing(void)
{
	struct dmn *d = fc_begin("cancel");
	int st;

	if (!d)
		return false;
	EXPECT(fc_start(d, fcdir, "a", 0, 20000) == S_OK && fc_write(d, 0, pattern, 6144) == S_OK,
	       "START a");
	EXPECT(fc_op(d, HVIS_FCOPY_CANCEL) == S_OK, "CANCEL");
	EXPECT(count_entries(fcdir) == 0, "CANCEL left %d entries", count_entries(fcdir));
	EXPECT(fc_op(d, HVIS_FCOPY_CANCEL) == S_OK, "CANCEL without a copy");
	/* A new START drops the copy in progress. */
	EXPECT(fc_start(d, fcdir, "b", 0, 20000) == S_OK && fc_write(d, 0, pattern, 6144) == S_OK,
	       "START b");
	EXPECT(fc_copy(d, fcdir, "c", 0, 7000) == S_OK, "copy c");
	EXPECT(count_entries(fcdir) == 1, "a restarted copy left %d entries",
	       count_entries(fcdir));
	/* Stopping the daemon mid-copy. */
	EXPECT(fc_start(d, fcdir, "d", 0, 20000) == S_OK && fc_write(d, 0, pattern, 6144) == S_OK,
	       "START d");
	st = dstop(d, SIGTERM);
	EXPECT(st == 0, "exit status %d", st);
	EXPECT(count_entries(fcdir) == 1, "SIGTERM mid-copy left %d entries",
	       count_entries(fcdir));
	/* The device going away mid-copy. */
	d = fc_begin("cancel");
	EXPECT(d, "restart");
	EXPECT(fc_start(d, fcdir, "e", 0, 20000) == S_OK && fc_write(d, 0, pattern, 6144) == S_OK,
	       "START e");
	close(d->fd);
	d->fd = -1;
	st = dwait(d, 5000);
	EXPECT(st == 1, "exit status %d after the device went away", st);
	EXPECT(count_entries(fcdir) == 1, "device loss mid-copy left %d entries",
	       count_entries(fcdir));
	return true;
}

static bool t_fcopy_big(void)
{
	struct dmn *d = fc_begin("big");
	char path[700];

	if (!d)
		return false;
	EXPECT(fc_copy(d, fcdir, "big", 0, sizeof(pattern)) == S_OK, "64 KiB copy");
	snprintf(path, sizeof(path), "%s/big", fcdir);
	EXPECT(same_as_pattern(path, sizeof(pattern)), "content");
	return true;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 3) {
		fprintf(stderr, "usage: daemons_kernel BINDIR TMPDIR\n");
		return 2;
	}
	bindir = argv[1];
	tmp = argv[2];
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (i * 7 + i / 251) & 0xff;

	run("kvp-register", t_kvp_register);
	run("kvp-set-get-all-pools", t_kvp_set_get_all_pools);
	run("kvp-replace-delete-enumerate", t_kvp_replace_delete_enumerate);
	run("kvp-limits-and-bad-requests", t_kvp_limits);
	run("kvp-auto-pool", t_kvp_auto_pool);
	run("kvp-persistence", t_kvp_persistence);
	run("kvp-corrupt-pool-files", t_kvp_corrupt_files);
	run("kvp-kill9-keeps-a-prefix", t_kvp_kill9);
	run("kvp-get-ip-info", t_kvp_get_ip_info);
	run("kvp-set-ip-info", t_kvp_set_ip_info);
	run("kvp-device-gone", t_kvp_device_gone);
	run("common-options", t_common_options);
	run("vss-basic-ops", t_vss_basic_ops);
	run("vss-freeze-thaw", t_vss_freeze_thaw);
	run("vss-no-log-while-frozen", t_vss_no_log_while_frozen);
	run("vss-dedup-same-fs", t_vss_dedup);
	run("vss-mount-table-root-last", t_vss_mount_table);
	run("vss-freeze-failure-thaws", t_vss_freeze_fails);
	run("vss-timeout-thaws", t_vss_timeout);
	run("vss-sigterm-thaws", t_vss_sigterm_thaws);
	run("vss-sigkill-watchdog-thaws", t_vss_sigkill_watchdog);
	run("vss-stuck-daemon-watchdog-thaws", t_vss_stuck_daemon);
	run("vss-real-ioctl-on-proc", t_vss_real_ioctl);
	run("vss-test-mode-is-safe", t_vss_test_mode_is_safe);
	run("fcopy-copy", t_fcopy_copy);
	run("fcopy-exists-overwrite", t_fcopy_exists_overwrite);
	run("fcopy-create-path", t_fcopy_create_path);
	run("fcopy-symlinks", t_fcopy_symlinks);
	run("fcopy-bad-requests", t_fcopy_bad_requests);
	run("fcopy-cancel-leaves-nothing", t_fcopy_cancel_leaves_nothing);
	run("fcopy-64k", t_fcopy_big);
	return failed ? 1 : 0;
}
