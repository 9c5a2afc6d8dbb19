// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvmbus: list the devices on the VMBus, from /sys/bus/vmbus/devices.
 *
 * Without options the output is the same, byte for byte, as the Python
 * lsvmbus of the kernel's tools/hv.  With -v and -vv it is the same lines
 * plus, for each device that hvis's integration-component framework drives
 * (a device with an ic/ directory), one extra line that starts with
 * "\thvis-ic: " just before the blank line that ends the device's block.
 * Removing the lines with that prefix gives the Python tool's output again.
 * It works on the in-tree hv_vmbus too (the same base attributes; no ic/).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEVICES_DIR	"/sys/bus/vmbus/devices"
#define IC_PREFIX	"\thvis-ic: "

/* Class GUID (as class_id shows it) to what the Python lsvmbus calls it. */
static const struct {
	const char *guid;
	const char *desc;
} classes[] = {
	{ "{0e0b6031-5213-4934-818b-38d90ced39db}", "[Operating system shutdown]" },
	{ "{9527e630-d0ae-497b-adce-e80ab0175caf}", "[Time Synchronization]" },
	{ "{57164f39-9115-4e78-ab55-382f3bd5422d}", "[Heartbeat]" },
	{ "{a9a0f4e7-5a45-4d96-b827-8a841e8c03e6}", "[Data Exchange]" },
	{ "{35fa2e29-ea23-4236-96ae-3a6ebacba440}", "[Backup (volume checkpoint)]" },
	{ "{34d14be3-dee4-41c8-9ae7-6b174977c192}", "[Guest services]" },
	{ "{525074dc-8985-46e2-8057-a307dc18a502}", "[Dynamic Memory]" },
	{ "{cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a}", "Synthetic mouse" },
	{ "{f912ad6d-2b17-48ea-bd65-f927a61c7684}", "Synthetic keyboard" },
	{ "{da0a7802-e377-4aac-8e77-0558eb1073f8}", "Synthetic framebuffer adapter" },
	{ "{f8615163-df3e-46c5-913f-f2d2f965ed0e}", "Synthetic network adapter" },
	{ "{32412632-86cb-44a2-9b5c-50d1417354f5}", "Synthetic IDE Controller" },
	{ "{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}", "Synthetic SCSI Controller" },
	{ "{2f9bcc4a-0069-4af3-b76b-6fd0be528cda}", "Synthetic fiber channel adapter" },
	{ "{8c2eaf3d-32a7-4b09-ab99-bd1f1c86b501}", "Synthetic RDMA adapter" },
	{ "{44c4f61d-4444-4400-9d52-802e27ede19f}", "PCI Express pass-through" },
	{ "{276aacf4-ac15-426c-98dd-7521ad3f01fe}", "[Reserved system device]" },
	{ "{f8e65716-3cb3-4a06-9a60-1889c5cccab5}", "[Reserved system device]" },
	{ "{3375baf4-9e15-4b30-b765-67acb10d607b}", "[Reserved system device]" },
};

/* One channel of a device, from a "relid:cpu" line of channel_vp_mapping. */
struct chan {
	long relid;
	char *relid_s, *cpu_s;
};

struct dev {
	char *name;
	long id;
	char *id_s, *class_id, *device_id;
	const char *desc;
	struct chan *chans;
	size_t nr_chans;
};

static const char *prog = "lsvmbus";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-v|-vv] [-h]\n"
		"List the devices on the VMBus (from %s).\n"
		"  -v, --verbose   also the class GUID and each channel's relid and target CPU;\n"
		"                  twice (-vv): the device GUID and the sysfs path too\n"
		"  -h, --help      this text\n"
		"With -v or more, a device that hvis's integration-component framework drives\n"
		"gets one extra line starting with \"<TAB>hvis-ic: \" (negotiated versions, status,\n"
		"counters); without those lines the output is that of the Python lsvmbus.\n",
		prog, DEVICES_DIR);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* The whole of a (small) file, NUL-terminated; NULL if it cannot be read. */
static char *slurp(const char *dir, const char *name, const char *attr)
{
	char path[4096];
	size_t len = 0, cap = 4096;
	char *buf;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr) >= (int)sizeof(path))
		return NULL;
	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = xmalloc(cap);
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (len + 1 < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
		if (!buf) {
			fprintf(stderr, "%s: out of memory\n", prog);
			exit(1);
		}
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* s with leading and trailing white space cut off (in place). */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The first line of an attribute, trimmed, as a new string; NULL if unreadable. */
static char *first_line(const char *dir, const char *name, const char *attr)
{
	char *buf = slurp(dir, name, attr), *nl, *s;

	if (!buf)
		return NULL;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	s = xstrdup(trim(buf));
	free(buf);
	return s;
}

/* A decimal number, optionally signed, nothing else. */
static int parse_long(const char *s, long *v)
{
	char *end;

	if (!*s)
		return -1;
	errno = 0;
	*v = strtol(s, &end, 10);
	return (errno || *end) ? -1 : 0;
}

static const char *class_desc(const char *guid)
{
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strcmp(classes[i].guid, guid))
			return classes[i].desc;
	return "Unknown";
}

static int chan_cmp(const void *a, const void *b)
{
	const struct chan *x = a, *y = b;

	return (x->relid > y->relid) - (x->relid < y->relid);
}

/*
 * channel_vp_mapping: one "relid:cpu" per line.  Lines that are not like
 * that are left out.  Sorted by relid; ties keep the file's order.
 */
static void read_channels(const char *dir, struct dev *d)
{
	char *buf = slurp(dir, d->name, "channel_vp_mapping"), *line, *save = NULL;
	size_t cap = 0;

	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = trim(line), *colon = strchr(s, ':'), *cpu, *end;
		struct chan c;

		if (!colon)
			continue;
		*colon = '\0';
		cpu = colon + 1;
		end = strchr(cpu, ':');
		if (end)
			*end = '\0';
		if (parse_long(trim(s), &c.relid))
			continue;
		c.relid_s = xstrdup(s);
		c.cpu_s = xstrdup(cpu);
		if (d->nr_chans == cap) {
			cap = cap ? cap * 2 : 4;
			d->chans = realloc(d->chans, cap * sizeof(*d->chans));
			if (!d->chans) {
				fprintf(stderr, "%s: out of memory\n", prog);
				exit(1);
			}
		}
		d->chans[d->nr_chans++] = c;
	}
	free(buf);
	/* Insertion sort: stable, and devices have a handful of channels. */
	for (size_t i = 1; i < d->nr_chans; i++) {
		struct chan c = d->chans[i];
		size_t j = i;

		while (j > 0 && chan_cmp(&d->chans[j - 1], &c) > 0) {
			d->chans[j] = d->chans[j - 1];
			j--;
		}
		d->chans[j] = c;
	}
}

static int dev_cmp(const void *a, const void *b)
{
	const struct dev *x = a, *y = b;

	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return strcmp(x->name, y->name);
}

/* Print s in double quotes, with \\, \" and control characters escaped. */
static void put_quoted(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* An ic/ attribute's first line, or "?" if it cannot be read. */
static char *ic_attr(const char *dir, const char *name, const char *attr)
{
	char path[512], *s;

	snprintf(path, sizeof(path), "ic/%s", attr);
	s = first_line(dir, name, path);
	return s ? s : xstrdup("?");
}

/*
 * The extra line of an integration service:
 *   \thvis-ic: service="NAME" status=S framework=V message=V negotiations=N
 *   messages=N errors=N last_error="TEXT"
 * (one line).  S is "negotiated" (versions agreed), "waiting" (no NEGOTIATE
 * yet), "no-common-version" (negotiated, nothing in common) or "unknown"
 * (a version or the count could not be read).
 */
static void print_ic(const char *dir, const struct dev *d)
{
	static const char *const attrs[] = {
		"service", "framework_version", "message_version", "negotiations",
		"messages", "errors", "last_error",
	};
	char path[4096], *v[7];
	const char *status;
	struct stat st;
	long nego;
	size_t i;

	if (snprintf(path, sizeof(path), "%s/%s/ic", dir, d->name) >= (int)sizeof(path) ||
	    stat(path, &st) || !S_ISDIR(st.st_mode))
		return;
	for (i = 0; i < 7; i++)
		v[i] = ic_attr(dir, d->name, attrs[i]);
	if (!strcmp(v[1], "?") || !strcmp(v[2], "?"))
		status = "unknown";
	else if (strcmp(v[1], "none") && strcmp(v[2], "none"))
		status = "negotiated";
	else if (parse_long(v[3], &nego))
		status = "unknown";
	else if (nego == 0)
		status = "waiting";
	else
		status = "no-common-version";
	fputs(IC_PREFIX "service=", stdout);
	put_quoted(v[0]);
	printf(" status=%s framework=%s message=%s negotiations=%s messages=%s errors=%s"
	       " last_error=", status, v[1], v[2], v[3], v[4], v[5]);
	put_quoted(v[6]);
	putchar('\n');
	for (i = 0; i < 7; i++)
		free(v[i]);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = DEVICES_DIR;
	struct dev *devs = NULL;
	size_t nr = 0, cap = 0, i, j;
	struct dirent *de;
	int verbose = 0, c;
	DIR *dh;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return 2;
	}

	dh = opendir(dir);
	if (!dh) {
		fprintf(stderr, "%s doesn't exist: exiting...\n", dir);
		return 1;
	}
	while ((de = readdir(dh))) {
		struct dev d = { 0 };

		if (de->d_name[0] == '.')
			continue;
		d.name = xstrdup(de->d_name);
		d.id_s = first_line(dir, d.name, "id");
		/* Not a device (or not one we can read): leave it out. */
		if (!d.id_s || parse_long(d.id_s, &d.id)) {
			fprintf(stderr, "%s: %s/%s: no readable id, left out\n", prog, dir, d.name);
			free(d.id_s);
			free(d.name);
			continue;
		}
		d.class_id = first_line(dir, d.name, "class_id");
		if (!d.class_id)
			d.class_id = xstrdup("");
		d.device_id = first_line(dir, d.name, "device_id");
		if (!d.device_id)
			d.device_id = xstrdup("");
		d.desc = class_desc(d.class_id);
		read_channels(dir, &d);
		if (nr == cap) {
			cap = cap ? cap * 2 : 16;
			devs = realloc(devs, cap * sizeof(*devs));
			if (!devs) {
				fprintf(stderr, "%s: out of memory\n", prog);
				return 1;
			}
		}
		devs[nr++] = d;
	}
	closedir(dh);
	if (nr)
		qsort(devs, nr, sizeof(*devs), dev_cmp);

	for (i = 0; i < nr; i++) {
		const struct dev *d = &devs[i];

		if (verbose == 0) {
			printf("VMBUS ID %2s: %s\n", d->id_s, d->desc);
			continue;
		}
		printf("VMBUS ID %2s: Class_ID = %s - %s\n", d->id_s, d->class_id, d->desc);
		if (verbose >= 2)
			printf("\tDevice_ID = %s\n\tSysfs path: %s/%s\n", d->device_id, dir,
			       d->name);
		for (j = 0; j < d->nr_chans; j++)
			printf("\tRel_ID=%s, target_cpu=%s\n", d->chans[j].relid_s,
			       d->chans[j].cpu_s);
		print_ic(dir, d);
		putchar('\n');
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno));
		return 1;
	}
	return 0;
}
