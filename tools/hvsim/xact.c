// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's transactions with the data services (KVP, VSS, file copy) through
 * the simulator's files, their failures in words, and the wire's strings,
 * converted by the drivers' own code (drivers/ic/utf.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <hvis/utf.h>

#include "cmd.h"

struct answer ans;

static const struct {
	uint32_t status;
	const char *name;
} status_names[] = {
	{ HVIS_IC_S_OK, "S_OK" },
	{ HVIS_IC_E_FAIL, "E_FAIL" },
	{ HVIS_IC_S_CONT, "no more items" },
	{ HVIS_IC_ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED" },
	{ HVIS_IC_ERROR_MACHINE_LOCKED, "ERROR_MACHINE_LOCKED" },
	{ HVIS_IC_ERROR_DEVICE_NOT_CONNECTED, "ERROR_DEVICE_NOT_CONNECTED" },
	{ HVIS_IC_E_INVALIDARG, "E_INVALIDARG" },
	{ HVIS_IC_GUID_NOTFOUND, "GUID_NOTFOUND" },
	{ HVIS_IC_ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS" },
	{ HVIS_IC_ERROR_DISK_FULL, "ERROR_DISK_FULL" },
};

static const char *status_name(uint32_t status)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].status == status)
			return status_names[i].name;
	return "unknown status";
}

int xact_open(const char *svc)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, svc);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
	return fd;
}

/* One transaction: 0 and the guest's answer in @a, or the errno of the transport. */
int xact(int fd, const void *req, size_t len, struct answer *a)
{
	ssize_t n;

	if (write(fd, req, len) != (ssize_t)len)
		return errno ? errno : EIO;
	n = read(fd, a, sizeof(*a));
	if (n < 0)
		return errno;
	if ((size_t)n < offsetof(struct answer, body) || a->len != n - offsetof(struct answer, body))
		return EPROTO;
	return 0;
}

/* What went wrong on the way, in the words of the service @name. */
void xact_error(const char *what, const char *name, int err)
{
	switch (err) {
	case ENOTCONN:
		fprintf(stderr, "hvsim: %s: the guest's %s service is not connected (no negotiated channel)\n",
			what, name);
		break;
	case ETIMEDOUT:
		fprintf(stderr, "hvsim: %s: the guest did not answer in time\n", what);
		break;
	case EPROTO:
		fprintf(stderr, "hvsim: %s: the guest's answer was malformed (see hvsim log)\n", what);
		break;
	case EINTR:
		fprintf(stderr, "hvsim: %s: interrupted\n", what);
		break;
	default:
		fprintf(stderr, "hvsim: %s: %s\n", what, strerror(err));
	}
}

void guest_failed(const char *what, uint32_t status)
{
	fprintf(stderr, "hvsim: %s: guest answered 0x%08x (%s)\n", what, status,
		status_name(status));
}

int xact_sent(int fd, const void *req, size_t len, const char *name, const char *what)
{
	int err = xact(fd, req, len, &ans);

	if (err)
		xact_error(what, name, err);
	return err ? -1 : 0;
}

int xact_ok(int fd, const void *req, size_t len, const char *name, const char *what)
{
	if (xact_sent(fd, req, len, name, what))
		return -1;
	if (ans.status != HVIS_IC_S_OK) {
		guest_failed(what, ans.status);
		return -1;
	}
	return 0;
}

/*
 * UTF-8 @str into @units UTF-16LE units at @out, the NUL included: the
 * units before the NUL, -1 for bad UTF-8, -2 if it is too long.
 */
int utf8_to_wire(const char *str, void *out, size_t units)
{
	int n = hvis_ic_utf8_to_utf16(str, strlen(str), out, units, NULL);

	if (n == -EILSEQ)
		return -1;
	return n < 0 ? -2 : n;
}

/*
 * The guest's UTF-16LE string of at most @units units into @out (@size
 * bytes; 3 per unit and one more suffice): 0, or -1 for an unpaired
 * surrogate or a string that does not end (NUL) within @units.  The
 * simulator checked already; a guest is not trusted twice over, though.
 */
int wire_to_utf8(const void *in, size_t units, char *out, size_t size)
{
	const uint8_t *p = in;
	size_t i;

	for (i = 0; i < units; i++)
		if (!p[2 * i] && !p[2 * i + 1])
			break;
	if (i == units)
		return -1;
	return hvis_ic_utf16_to_utf8(in, units, out, size) < 0 ? -1 : 0;
}
