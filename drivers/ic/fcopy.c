// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_fcopy: Guest Service Interface, the guest's end of Copy-VMFile.  The
 * host sends a file in pieces: START (name, directory, flags, size), WRITE
 * after WRITE (at most 6 KiB each), then COMPLETE, or CANCEL on an error.
 * The daemon does the file work; it talks to this module through
 * /dev/vmbus/hv_fcopy (the upstream interface, so Debian's hv_fcopy_daemon
 * works too).  Names arrive in UTF-16 and reach the daemon in UTF-8.
 *
 * The framework's relay carries requests and answers and keeps the rules
 * (no daemon, deadlines, late answers, a daemon that leaves); this file is
 * the registration and the translations.
 */
#include <linux/module.h>
#include <linux/string.h>

#include <hvis/ic.h>
#include <hvis/ic_daemon.h>
#include <hvis/version.h>
#include <uapi/hvis/hv_daemon.h>

HVIS_PARAM_UINT(daemon_timeout_ms, 30000, 0644,
		"How long the daemon may take to answer one request, in ms (default 30000)");

static const struct hvis_ic_version hvis_fcopy_fw[] = { { 3, 0 } };
static const struct hvis_ic_version hvis_fcopy_msgv[] = { { 1, 1 } };

/* WRITE, COMPLETE and CANCEL reach the daemon as the host sent them. */
static_assert(sizeof(struct hvis_ic_fcopy_write) == sizeof(struct hvis_fcopy_write));
static_assert(sizeof(struct hvis_ic_fcopy_hdr) == sizeof(struct hvis_fcopy_hdr));

struct hvis_fcopy {
	u32 op;				/* of the request with the daemon */
	struct hvis_fcopy_start start;	/* a START as the daemon gets it */
};

static const char *hvis_fcopy_op_name(u32 op)
{
	static const char * const names[] = {
		[HVIS_FCOPY_START] = "START",
		[HVIS_FCOPY_WRITE] = "WRITE",
		[HVIS_FCOPY_COMPLETE] = "COMPLETE",
		[HVIS_FCOPY_CANCEL] = "CANCEL",
	};

	return op < ARRAY_SIZE(names) ? names[op] : "operation";
}

static const char *hvis_fcopy_bad_name(int err)
{
	switch (err) {
	case 0:
		return "empty";
	case -EILSEQ:
		return "not valid UTF-16";
	case -E2BIG:
		return "too long";
	default:
		return "invalid";
	}
}

/* The host's START @req as the daemon gets it, in fc->start. */
static int hvis_fcopy_convert_start(struct hvis_ic *ic, const struct hvis_ic_fcopy_start *req)
{
	struct hvis_fcopy *fc = ic->priv;
	struct hvis_fcopy_start *out = &fc->start;
	int ret;

	memset(out, 0, sizeof(*out));
	memcpy(&out->hdr, &req->hdr, sizeof(out->hdr));
	out->copy_flags = req->copy_flags;
	out->file_size = req->file_size;
	/* Both in the same arrays, now of bytes: at most 259 and a NUL. */
	ret = hvis_ic_utf16_to_utf8(req->file_name, ARRAY_SIZE(req->file_name),
				    (char *)out->file_name, HVIS_FCOPY_MAX_PATH);
	if (ret <= 0) {
		hvis_ic_error(ic, "START refused: file name %s", hvis_fcopy_bad_name(ret));
		return -EINVAL;
	}
	ret = hvis_ic_utf16_to_utf8(req->path_name, ARRAY_SIZE(req->path_name),
				    (char *)out->path_name, HVIS_FCOPY_MAX_PATH);
	if (ret < 0) {
		hvis_ic_error(ic, "START refused: path name %s", hvis_fcopy_bad_name(ret));
		return -EINVAL;
	}
	return 0;
}

/* The daemon's answer: only the statuses a copy can end with reach the host. */
static u32 hvis_fcopy_answer(struct hvis_ic *ic, void *body, const void *buf)
{
	struct hvis_fcopy *fc = ic->priv;
	s32 val;
	u32 status;

	/* Answers are one int. */
	memcpy(&val, buf, sizeof(val));
	status = val;
	switch (status) {
	case HVIS_IC_S_OK:
		break;
	case HVIS_IC_E_FAIL:
	case HVIS_IC_ERROR_ALREADY_EXISTS:
	case HVIS_IC_ERROR_DISK_FULL:
	case HVIS_IC_E_INVALIDARG:
		hvis_ic_error(ic, "%s failed in the daemon (%#x)", hvis_fcopy_op_name(fc->op),
			      status);
		break;
	default:
		hvis_ic_error(ic, "%s: the daemon answered %#x: sent as a failure",
			      hvis_fcopy_op_name(fc->op), status);
		status = HVIS_IC_E_FAIL;
		break;
	}
	return status;
}

static u32 hvis_fcopy_request(struct hvis_ic *ic, void *body, u32 len,
			      struct hvis_ic_relay_req *req)
{
	const struct hvis_ic_fcopy_hdr *hdr = body;
	const struct hvis_ic_fcopy_write *wr = body;
	struct hvis_fcopy *fc = ic->priv;
	const void *msg;
	size_t size;

	switch (hdr->operation) {
	case HVIS_FCOPY_START:
		if (len < sizeof(struct hvis_ic_fcopy_start)) {
			hvis_ic_error(ic, "START of %u bytes refused: needs %zu", len,
				      sizeof(struct hvis_ic_fcopy_start));
			return HVIS_IC_E_FAIL;
		}
		if (hvis_fcopy_convert_start(ic, body))
			return HVIS_IC_E_FAIL;
		msg = &fc->start;
		size = sizeof(fc->start);
		break;
	case HVIS_FCOPY_WRITE:
		/* The daemon reads the whole fixed-size message, whatever size says. */
		if (len < sizeof(*wr)) {
			hvis_ic_error(ic, "WRITE of %u bytes refused: needs %zu", len, sizeof(*wr));
			return HVIS_IC_E_FAIL;
		}
		if (wr->size > sizeof(wr->data)) {
			hvis_ic_error(ic, "WRITE of %u data bytes refused: at most %zu", wr->size,
				      sizeof(wr->data));
			return HVIS_IC_E_FAIL;
		}
		msg = wr;
		size = sizeof(*wr);
		break;
	case HVIS_FCOPY_COMPLETE:
	case HVIS_FCOPY_CANCEL:
		msg = hdr;
		size = sizeof(*hdr);
		break;
	default:
		hvis_ic_error(ic, "unknown operation %u refused", hdr->operation);
		return HVIS_IC_E_FAIL;
	}

	fc->op = hdr->operation;
	req->msg = msg;
	req->len = size;
	req->what = hvis_fcopy_op_name(hdr->operation);
	return HVIS_IC_PENDING;
}

/* A registration: the version the daemon speaks; 1 is answered, 0 is not. */
static int hvis_fcopy_register(struct hvis_ic *ic, const void *buf, const void **answer)
{
	static const u32 hvis_fcopy_registered = HVIS_FCOPY_VERSION_1;
	u32 version;

	memcpy(&version, buf, sizeof(version));
	return hvis_ic_relay_register_number(ic, version, &hvis_fcopy_registered,
					     HVIS_FCOPY_VERSION_0, answer);
}

/* Registrations and answers alike are one s32; nothing to undo when the daemon goes. */
HVIS_IC_RELAY_OPS(hvis_fcopy, "hv_fcopy", sizeof(s32), NULL);

static struct hvis_ic_service hvis_fcopy_service = {
	HVIS_IC_SERVICE(FCOPY, "Guest Service Interface", hvis_fcopy_fw, hvis_fcopy_msgv),
	.min_body	= sizeof(struct hvis_ic_fcopy_hdr),
	/* A WRITE is the largest: 6 KiB of data and its headers. */
	.max_packet	= 8192,
	.priv_size	= sizeof(struct hvis_fcopy),
	.relay		= &hvis_fcopy_relay,
};
module_hvis_ic_service(hvis_fcopy_service, FCOPY,
		       "Hyper-V Guest Service Interface (file copy) integration service (hvis)");
