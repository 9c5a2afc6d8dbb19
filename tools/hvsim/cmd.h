/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's parts: main.c dispatches through the command tables each verb
 * group keeps (host.c channels and raw endpoints, services.c the
 * integration services' status and host requests, kvp.c, kvp_ip.c,
 * copy.c and backup.c the data services over xact.c, capture.c the wire
 * capture).
 */
#ifndef _HVSIM_CMD_H
#define _HVSIM_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <hvis/hv_daemon.h>
#include <hvis/ic_wire.h>

/*
 * One verb: it runs with hvsim's own argc/argv (argv[1] is the verb) when
 * it has @min to @max arguments after it (@max -1: any number), and
 * prints @usage, its lines of the usage text, in the tables' order.
 */
struct hvsim_cmd {
	const char *name;
	int min, max;
	int (*run)(int argc, char **argv);
	const char *usage;
};

/* A handler that needs no argument count (its table entry fixes it). */
#define maybe_unused	__attribute__((unused))

/* Each group's verbs, ended by an entry without a name. */
extern const struct hvsim_cmd hvsim_host_cmds[];
extern const struct hvsim_cmd hvsim_service_cmds[];
extern const struct hvsim_cmd hvsim_kvp_cmds[];
extern const struct hvsim_cmd hvsim_copy_cmds[];
extern const struct hvsim_cmd hvsim_backup_cmds[];
extern const struct hvsim_cmd hvsim_capture_cmds[];

/* The simulator's debugfs directory (HVSIM_DIR overrides it). */
extern const char *dir;

void usage(FILE *f);
int cat(const char *name);
int ctl(const char *cmd);
int ctl_errno(const char *cmd);
int ctl_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_u64(const char *s, uint64_t max, uint64_t *v);
double now_s(void);

/* --- data services (xact.c) ------------------------------------------------- */

/*
 * The simulator's files kvp, vss and fcopy: write() one message body, the
 * guest's answer comes back; read() gives its status, its body length and
 * the body.  Layouts on the wire are those of the daemon interface, but
 * for the KVP header (protocol.md §5.4).
 */
#define BODY_MAX	sizeof(struct hvis_ic_kvp_ip_msg)

struct answer {
	uint32_t status;
	uint32_t len;
	uint8_t body[BODY_MAX];
} __attribute__((packed));

extern struct answer ans;

int xact_open(const char *svc);
int xact(int fd, const void *req, size_t len, struct answer *a);
void xact_error(const char *what, const char *name, int err);
void guest_failed(const char *what, uint32_t status);
/*
 * One transaction with the guest's service @name, its answer in ans: 0,
 * or -1 when it did not come (said, @what naming the command).
 */
int xact_sent(int fd, const void *req, size_t len, const char *name, const char *what);
/* xact_sent() that must end in HVIS_IC_S_OK: 0, or -1 said. */
int xact_ok(int fd, const void *req, size_t len, const char *name, const char *what);

/* The KVP service, as hvsim's messages name it. */
#define KVP_NAME	"Key-Value Pair Exchange"

int kvp_ip(int fd, const char *adapter);

int utf8_to_wire(const char *str, void *out, size_t units);
int wire_to_utf8(const void *in, size_t units, char *out, size_t size);

#endif /* _HVSIM_CMD_H */
