// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim backup: the host's side of a VSS backup, step by step, each step
 * one transaction with the guest's VSS service.
 */
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* One VSS step: 0 when the guest answered HVIS_IC_S_OK; its flags in @flags. */
static int vss_step(int fd, const char *name, uint8_t op, uint32_t *flags)
{
	struct hvis_vss_msg req;
	const struct hvis_vss_msg *a = (const void *)ans.body;
	char what[64];

	memset(&req, 0, sizeof(req));
	req.hdr.operation = op;
	snprintf(what, sizeof(what), "backup: %s", name);
	printf("%s ...\n", name);
	fflush(stdout);
	if (xact_ok(fd, &req, sizeof(req), "VSS", what))
		return -1;
	if (flags)
		*flags = ans.len >= sizeof(*a) ? a->flags : 0;
	printf("%s: the guest answered HVIS_IC_S_OK\n", name);
	return 0;
}

static int backup(int argc, char **argv)
{
	uint64_t hold = 0;
	uint32_t flags;
	int i, fd, no_thaw = 0, ret = 1;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--no-thaw")) {
			no_thaw = 1;
		} else if (!strcmp(argv[i], "--hold-ms") && i + 1 < argc) {
			if (parse_u64(argv[++i], 24 * 3600 * 1000, &hold)) {
				fprintf(stderr, "hvsim: backup: bad --hold-ms \"%s\"\n", argv[i]);
				return 2;
			}
		} else {
			usage(stderr);
			return 2;
		}
	}
	fd = xact_open("vss");
	if (fd < 0)
		return 1;
	if (vss_step(fd, "HOT_BACKUP", HVIS_VSS_OP_HOT_BACKUP, &flags))
		goto out;
	printf("HOT_BACKUP: flags 0x%x%s\n", flags,
	       flags == HVIS_VSS_HBU_NO_AUTO_RECOVERY ? " (no auto-recovery)" : "");
	if (vss_step(fd, "FREEZE", HVIS_VSS_OP_FREEZE, NULL)) {
		/* Never leave a guest frozen on the host's account. */
		if (!no_thaw)
			vss_step(fd, "THAW", HVIS_VSS_OP_THAW, NULL);
		goto out;
	}
	printf("FREEZE: the guest reports its filesystems frozen\n");
	if (no_thaw) {
		printf("not thawing (--no-thaw): the guest must thaw by itself\n");
		ret = 0;
		goto out;
	}
	if (hold) {
		printf("holding the freeze for %llu ms\n", (unsigned long long)hold);
		fflush(stdout);
		usleep(hold % 1000 * 1000);
		sleep(hold / 1000);
	}
	if (vss_step(fd, "THAW", HVIS_VSS_OP_THAW, NULL) ||
	    vss_step(fd, "BU_COMPLETE", HVIS_VSS_OP_BU_COMPLETE, NULL))
		goto out;
	printf("backup complete\n");
	ret = 0;
out:
	close(fd);
	return ret;
}

const struct hvsim_cmd hvsim_backup_cmds[] = {
	{ "backup", 0, -1, backup,
	  "  backup [--no-thaw] [--hold-ms N]  a backup: hot-backup check, freeze, (hold,) thaw,\n"
	  "                                    backup complete; --no-thaw stops after the freeze\n" },
	{ NULL }
};
