// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's integration-service verbs: their status as Get-VMIntegrationService
 * shows it, enabling and disabling them, and the host's requests of the
 * services without a daemon (shutdown, time) and their malformed messages.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include "cmd.h"

static const struct {
	const char *alias;
	const char *name;
} services[] = {
	{ "heartbeat", "Heartbeat" },
	{ "kvp", "Key-Value Pair Exchange" },
	{ "shutdown", "Shutdown" },
	{ "timesync", "Time Synchronization" },
	{ "vss", "VSS" },
	{ "fcopy", "Guest Service Interface" },
};

/* argv[from..argc) joined by spaces ("Time Synchronization"), as an alias. */
static const char *service_alias(int argc, char **argv, int from)
{
	char name[128] = "";
	size_t i;
	int a;

	for (a = from; a < argc; a++) {
		if (strlen(name) + strlen(argv[a]) + 2 > sizeof(name))
			break;
		if (a > from)
			strcat(name, " ");
		strcat(name, argv[a]);
	}
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (!strcasecmp(name, services[i].alias) || !strcasecmp(name, services[i].name))
			return services[i].alias;
	fprintf(stderr, "hvsim: no integration service \"%s\" (heartbeat kvp shutdown timesync vss fcopy)\n",
		name);
	return NULL;
}

#define ICS_FIELDS	10
#define ICS_MAX		16

static int get_integration_services(int argc, char **argv)
{
	static const char * const head[] = {
		"Name", "Enabled", "PrimaryStatusDescription", "SecondaryStatusDescription",
		"Protocol", "RelId", "Sent", "Answered", "Bad",
	};
	char rows[ICS_MAX][9][128], line[1024], path[512];
	size_t width[9], c, ncols = argc == 3 ? 9 : 5;
	int nrows = 0, r;
	FILE *f;

	if (argc == 3 && strcmp(argv[2], "-v")) {
		usage(stderr);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/ics", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Name Enabled Primary Secondary fw msg relid sent answered bad */
	while (nrows < ICS_MAX && fgets(line, sizeof(line), f)) {
		char *field[ICS_FIELDS], *p = line;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < ICS_FIELDS && p)
			field[n++] = strsep(&p, "\t");
		if (n < ICS_FIELDS)
			continue;
		snprintf(rows[nrows][0], 128, "%s", field[0]);
		snprintf(rows[nrows][1], 128, "%s", field[1]);
		snprintf(rows[nrows][2], 128, "%s", strcmp(field[2], "-") ? field[2] : "");
		snprintf(rows[nrows][3], 128, "%s", field[3]);
		if (strcmp(field[4], "-"))
			snprintf(rows[nrows][4], 128, "%.60s/%.60s", field[4], field[5]);
		else
			snprintf(rows[nrows][4], 128, "-");
		for (c = 5; c < 9; c++)
			snprintf(rows[nrows][c], 128, "%s", field[c + 1]);
		nrows++;
	}
	fclose(f);

	for (c = 0; c < ncols; c++) {
		width[c] = strlen(head[c]);
		for (r = 0; r < nrows; r++)
			if (strlen(rows[r][c]) > width[c])
				width[c] = strlen(rows[r][c]);
	}
	for (c = 0; c < ncols; c++)
		printf("%-*s%s", (int)width[c], head[c], c + 1 < ncols ? " " : "\n");
	for (c = 0; c < ncols; c++) {
		printf("%.*s", (int)strlen(head[c]), "----------------------------------------");
		printf("%*s%s", (int)(width[c] - strlen(head[c])), "", c + 1 < ncols ? " " : "\n");
	}
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			/* No blanks at the end of a line. */
			if (c + 1 == ncols)
				printf("%s\n", rows[r][c]);
			else
				printf("%-*s ", (int)width[c], rows[r][c]);
		}
	}
	return 0;
}

/* What a host request's errno (from ctl_errno()) means, for one verb. */
struct outcome {
	int err;
	bool right;		/* a right answer: said on stdout, exit status 0 */
	const char *what;	/* NULL: the end of the verb's list */
};

/*
 * The words for @err by @tab, strerror() if it is not there, into *@what;
 * the stream they go to: stdout for a right answer (*@status 0), else
 * stderr (1).
 */
static FILE *outcome(int err, const struct outcome *tab, const char **what, int *status)
{
	while (tab->what && tab->err != err)
		tab++;
	*what = tab->what ? tab->what : strerror(err);
	*status = tab->what && tab->right ? 0 : 1;
	return *status ? stderr : stdout;
}

static int enable_service(int argc, char **argv)
{
	const char *alias = service_alias(argc, argv, 2);
	char cmd[64];
	int err;

	if (!alias)
		return 2;
	snprintf(cmd, sizeof(cmd), "%s %s", argv[1], alias);
	err = ctl_errno(cmd);
	if (err)
		fprintf(stderr, "hvsim: %s %s: %s\n", argv[1], alias, strerror(err));
	return !!err;
}

static int shutdown_guest(int argc, char **argv)
{
	static const struct outcome said[] = {
		{ 0, true, "the guest accepted" },
		{ EIO, false, "the guest refused (it answered with a failure status)" },
		{ ETIMEDOUT, false, "the guest did not answer within 10 seconds" },
		{ ENOTCONN, false,
		  "the guest's Shutdown service is not connected (no negotiated channel)" },
		{ EPROTO, false, "the guest's answer was malformed (see hvsim log)" },
		{ 0 }
	};
	unsigned int flags = 0;
	const char *what;
	char cmd[64];
	int i, status;
	FILE *f;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--reboot"))
			flags |= 2;
		else if (!strcmp(argv[i], "--hibernate"))
			flags |= 4;
		else if (!strcmp(argv[i], "--force"))
			flags |= 1;
		else {
			usage(stderr);
			return 2;
		}
	}
	if ((flags & 6) == 6) {
		fprintf(stderr, "hvsim: shutdown: --reboot or --hibernate, not both\n");
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "shutdown %u", flags);
	f = outcome(ctl_errno(cmd), said, &what, &status);
	fprintf(f, "Shutdown: %s\n", what);
	return status;
}

static int time_sync(int argc, char **argv)
{
	char cmd[128], *end, accepted[96], refused[64];
	const struct outcome said[] = {
		{ 0, true, accepted },
		{ EIO, false, refused },
		{ ETIMEDOUT, false, "the guest did not answer" },
		{ ENOTCONN, false,
		  "not connected (no negotiated channel); the host clock offset is set" },
		{ 0 }
	};
	const char *offset = "0", *what;
	long long seconds;
	int status;
	FILE *f;

	if (argc != 3 && !(argc == 5 && !strcmp(argv[3], "--offset"))) {
		usage(stderr);
		return 2;
	}
	if (argc == 5)
		offset = argv[4];
	if (strcmp(argv[2], "sync") && strcmp(argv[2], "sample")) {
		usage(stderr);
		return 2;
	}
	errno = 0;
	seconds = strtoll(offset, &end, 10);
	if (*end || !*offset || errno) {
		fprintf(stderr, "hvsim: time: bad offset \"%s\" (whole seconds)\n", offset);
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "time %s %lld", argv[2], seconds);
	/* argv[2] is sync or sample: both strings fit. */
	snprintf(accepted, sizeof(accepted), "the guest accepted the %s (host clock %+lld s)",
		 argv[2], seconds);
	snprintf(refused, sizeof(refused), "the guest refused the %s", argv[2]);
	f = outcome(ctl_errno(cmd), said, &what, &status);
	fprintf(f, "Time Synchronization: %s\n", what);
	return status;
}

/* A guest may refuse or drop a bad message: both are right, and said so. */
static int icbad(int argc, char **argv)
{
	static const struct outcome said[] = {
		{ 0, true, "the guest answered with status OK" },
		{ EIO, true, "the guest refused it (failure status)" },
		{ ETIMEDOUT, true, "no answer (the guest dropped it)" },
		{ EPROTO, false, "the guest's answer was malformed (see hvsim log)" },
		{ ENOTCONN, false, "the service's channel is not open" },
		{ EOPNOTSUPP, false, "needs Time Synchronization message version 4.0" },
		{ EINVAL, false, "no such kind for this service" },
		{ 0 }
	};
	const char *alias = service_alias(argc - 1, argv, 2), *kind = argv[argc - 1], *what;
	char cmd[128];
	int status;
	FILE *f;

	if (!alias)
		return 2;
	snprintf(cmd, sizeof(cmd), "icbad %s %s", alias, kind);
	f = outcome(ctl_errno(cmd), said, &what, &status);
	fprintf(f, "icbad %s %s: %s\n", alias, kind, what);
	return status;
}

const struct hvsim_cmd hvsim_service_cmds[] = {
	{ "get-integration-services", 0, 1, get_integration_services,
	  "  get-integration-services [-v]     the services' status, as Get-VMIntegrationService\n"
	  "                                    shows it (-v: relid and request counters too)\n" },
	{ "enable", 1, -1, enable_service,
	  "  enable|disable SERVICE            offer a service's channel again, or rescind it;\n"
	  "                                    SERVICE: heartbeat kvp shutdown timesync vss fcopy,\n"
	  "                                    or the full name\n" },
	{ "disable", 1, -1, enable_service, NULL },
	{ "shutdown", 0, -1, shutdown_guest,
	  "  shutdown [--reboot] [--hibernate] [--force]\n"
	  "                                    ask the guest to shut down; waits for its answer\n" },
	{ "time", 1, -1, time_sync,
	  "  time sync|sample [--offset SECONDS]\n"
	  "                                    send the guest the host's time now; the host clock\n"
	  "                                    runs SECONDS ahead from then on (default 0)\n" },
	{ "icbad", 2, -1, icbad,
	  "  icbad SERVICE KIND                send one malformed message (testing the guest):\n"
	  "                                    tiny overrun unknown short negcount negshort\n"
	  "                                    nocommon renegotiate bigcomp; timesync also absurd\n"
	  "                                    future stale\n" },
	{ NULL }
};
