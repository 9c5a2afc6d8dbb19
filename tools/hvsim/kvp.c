// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim kvp: the host's side of Data Exchange (KVP), its pools' keys and
 * values one operation at a time, and a bench of SET and GET (or
 * ENUMERATE) rounds in one process.
 */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"

#define KVP_KEY_UNITS	(HVIS_KVP_MAX_KEY / 2)
#define KVP_VALUE_UNITS	(HVIS_KVP_MAX_VALUE / 2)
#define KVP_MAX_ITEMS	100000	/* a guest that never ends its list */

static const char * const pool_names[HVIS_KVP_POOL_COUNT] = {
	"external", "guest", "auto", "auto-external", "auto-internal",
};

static int parse_pool(const char *s)
{
	uint64_t v;
	int i;

	for (i = 0; i < HVIS_KVP_POOL_COUNT; i++)
		if (!strcasecmp(s, pool_names[i]))
			return i;
	if (parse_u64(s, HVIS_KVP_POOL_COUNT - 1, &v)) {
		fprintf(stderr, "hvsim: kvp: no pool \"%s\" (0-4, external guest auto auto-external auto-internal)\n",
			s);
		return -1;
	}
	return v;
}

/*
 * The value of a GET or ENUMERATE answer as text.  The simulator checked
 * sizes and strings already; a guest is not trusted twice over, though.
 */
static int kvp_value_str(const struct hvis_ic_kvp_value *v, char *out, size_t size)
{
	uint64_t u;

	switch (v->value_type) {
	case HVIS_KVP_REG_SZ:
		if (v->value_size < 2 || v->value_size > HVIS_KVP_MAX_VALUE || v->value_size % 2)
			return -1;
		return wire_to_utf8(v->value, v->value_size / 2, out, size);
	case HVIS_KVP_REG_U32:
		if (v->value_size != 4)
			return -1;
		memcpy(&u, v->value, 8);
		snprintf(out, size, "%u", (uint32_t)u);
		return 0;
	case HVIS_KVP_REG_U64:
		if (v->value_size != 8)
			return -1;
		memcpy(&u, v->value, 8);
		snprintf(out, size, "%llu", (unsigned long long)u);
		return 0;
	}
	return -1;
}

static struct hvis_ic_kvp_msg kreq;
static char kkey[KVP_KEY_UNITS * 3 + 1], kval[KVP_VALUE_UNITS * 3 + 1];

/* kreq afresh: @op on @pool. */
static void kvp_req(uint8_t op, int pool)
{
	memset(&kreq, 0, sizeof(kreq));
	kreq.operation = op;
	kreq.pool = pool;
}

/*
 * kreq afresh for @op on @pool, of @key (where DELETE keeps it, or GET
 * and SET): 0, or -1 said why (@what naming the command).
 */
static int kvp_req_key(uint8_t op, int pool, const char *what, const char *key)
{
	bool del = op == HVIS_KVP_OP_DELETE;
	int n;

	kvp_req(op, pool);
	n = utf8_to_wire(key, del ? kreq.del.key : kreq.value.key, KVP_KEY_UNITS);
	if (n == -1)
		fprintf(stderr, "hvsim: %s: the key is not valid UTF-8\n", what);
	else if (n == -2)
		fprintf(stderr, "hvsim: %s: the key is longer than %d UTF-16 units\n", what,
			KVP_KEY_UNITS - 1);
	if (n < 0)
		return -1;
	/* Sizes on the wire are in bytes, the NUL included. */
	if (del)
		kreq.del.key_size = (n + 1) * 2;
	else
		kreq.value.key_size = (n + 1) * 2;
	return 0;
}

/* What HVIS_IC_S_CONT in the answer to kreq means. */
enum kvp_cont {
	CONT_FAILS,	/* nothing: a failure like any other */
	CONT_NO_KEY,	/* GET, DELETE: no such key */
	CONT_ENDS,	/* ENUMERATE: the end of the list */
};

/*
 * Send kreq: 0 when the guest answered S_OK, 1 for the end of a list
 * (CONT_ENDS), -1 for any failure, said (@what naming the command, @step
 * the operation the guest refused).
 */
static int kvp_xact(int fd, const char *what, const char *step, enum kvp_cont cont)
{
	if (xact_sent(fd, &kreq, sizeof(kreq), KVP_NAME, what))
		return -1;
	if (ans.status == HVIS_IC_S_CONT && cont == CONT_ENDS)
		return 1;
	if (ans.status == HVIS_IC_S_CONT && cont == CONT_NO_KEY) {
		fprintf(stderr, "hvsim: %s: no such key (0x%08x)\n", what, ans.status);
		return -1;
	}
	if (ans.status != HVIS_IC_S_OK) {
		guest_failed(step, ans.status);
		return -1;
	}
	return 0;
}

/*
 * ENUMERATE item @i of @pool into kkey and kval: 0; 1 at the end of the
 * list; -1 when the exchange failed (said, @what naming the command and
 * @step the operation); -2 for a malformed item (left to the caller).
 */
static int kvp_enum_item(int fd, int pool, uint32_t i, const char *what, const char *step)
{
	const struct hvis_ic_kvp_msg *a = (const void *)ans.body;
	const struct hvis_ic_kvp_value *v = &a->enumerate.data;
	int ret;

	kvp_req(HVIS_KVP_OP_ENUMERATE, pool);
	kreq.enumerate.index = i;
	ret = kvp_xact(fd, what, step, CONT_ENDS);
	if (ret)
		return ret;
	if (ans.len < sizeof(*a) || v->key_size < 2 || v->key_size > HVIS_KVP_MAX_KEY ||
	    wire_to_utf8(v->key, v->key_size / 2, kkey, sizeof(kkey)) ||
	    kvp_value_str(v, kval, sizeof(kval)))
		return -2;
	return 0;
}

static int kvp_list(int fd, int pool)
{
	uint32_t i;
	int ret;

	for (i = 0; i < KVP_MAX_ITEMS; i++) {
		ret = kvp_enum_item(fd, pool, i, "kvp list", "kvp list");
		if (ret == 1)
			return 0;
		if (ret == -2)
			fprintf(stderr, "hvsim: kvp list: item %u is malformed\n", i);
		if (ret)
			return 1;
		printf("%s = %s\n", kkey, kval);
	}
	fprintf(stderr, "hvsim: kvp list: the guest listed more than %d items; stopped\n",
		KVP_MAX_ITEMS);
	return 1;
}

/* The value of the answer to a GET into kval: 0, or -1 if it is malformed. */
static int kvp_got(void)
{
	const struct hvis_ic_kvp_msg *a = (const void *)ans.body;

	if (ans.len < offsetof(struct hvis_ic_kvp_msg, value) + sizeof(a->value))
		return -1;
	return kvp_value_str(&a->value, kval, sizeof(kval));
}

static int kvp_get(int fd, int pool, const char *key)
{
	if (kvp_req_key(HVIS_KVP_OP_GET, pool, "kvp get", key))
		return 2;
	if (kvp_xact(fd, "kvp get", "kvp get", CONT_NO_KEY))
		return 1;
	if (kvp_got()) {
		fprintf(stderr, "hvsim: kvp get: the value is malformed\n");
		return 1;
	}
	printf("%s\n", kval);
	return 0;
}

static int kvp_set(int fd, int pool, const char *key, const char *value, uint32_t type);

/* GET of @key that must give @want, printing nothing on success. */
static int kvp_get_quiet(int fd, int pool, const char *key, const char *want)
{
	if (kvp_req_key(HVIS_KVP_OP_GET, pool, "kvp bench", key) ||
	    kvp_xact(fd, "kvp bench", "kvp bench: GET", CONT_FAILS))
		return -1;
	if (kvp_got() || strcmp(kval, want)) {
		fprintf(stderr, "hvsim: kvp bench: GET gave \"%s\", not \"%s\"\n", kval, want);
		return -1;
	}
	return 0;
}

static int kvp_set(int fd, int pool, const char *key, const char *value, uint32_t type)
{
	uint64_t v;
	int n;

	if (kvp_req_key(HVIS_KVP_OP_SET, pool, "kvp set", key))
		return 2;
	kreq.value.value_type = type;
	if (type == HVIS_KVP_REG_SZ) {
		n = utf8_to_wire(value, kreq.value.value, KVP_VALUE_UNITS);
		if (n < 0) {
			fprintf(stderr, "hvsim: kvp set: the value is %s\n",
				n == -1 ? "not valid UTF-8" : "longer than 1023 UTF-16 units");
			return 2;
		}
		kreq.value.value_size = (n + 1) * 2;
	} else {
		if (parse_u64(value, type == HVIS_KVP_REG_U32 ? UINT32_MAX : UINT64_MAX, &v)) {
			fprintf(stderr, "hvsim: kvp set: \"%s\" is not a %s number\n", value,
				type == HVIS_KVP_REG_U32 ? "32-bit" : "64-bit");
			return 2;
		}
		kreq.value.value_size = type == HVIS_KVP_REG_U32 ? 4 : 8;
		memcpy(kreq.value.value, &v, kreq.value.value_size);
	}
	return kvp_xact(fd, "kvp set", "kvp set", CONT_FAILS) ? 1 : 0;
}

static int kvp_delete(int fd, int pool, const char *key)
{
	if (kvp_req_key(HVIS_KVP_OP_DELETE, pool, "kvp delete", key))
		return 2;
	return kvp_xact(fd, "kvp delete", "kvp delete", CONT_NO_KEY) ? 1 : 0;
}

/*
 * ENUMERATE of @pool from index 0 until @key turns up, which must have the
 * value @want; printing nothing on success.  In a pool that holds only the
 * bench's key, that is one ENUMERATE.
 */
static int kvp_enum_quiet(int fd, int pool, const char *key, const char *want)
{
	uint32_t i;
	int ret;

	for (i = 0; i < KVP_MAX_ITEMS; i++) {
		ret = kvp_enum_item(fd, pool, i, "kvp bench", "kvp bench: ENUMERATE");
		if (ret == 1)
			break;
		if (ret == -2)
			fprintf(stderr, "hvsim: kvp bench: ENUMERATE item %u is malformed\n", i);
		if (ret)
			return -1;
		if (strcmp(kkey, key))
			continue;
		if (strcmp(kval, want)) {
			fprintf(stderr, "hvsim: kvp bench: ENUMERATE gave \"%s\", not \"%s\"\n",
				kval, want);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "hvsim: kvp bench: ENUMERATE did not list \"%s\"\n", key);
	return -1;
}

/*
 * COUNT rounds of SET and GET (or ENUMERATE, @enumerate) of one key in one
 * process, so that what is measured is the exchange, not starting hvsim:
 * operations per second.  The key is deleted at the end.
 */
static int kvp_bench(int fd, int pool, const char *count_arg, bool enumerate)
{
	static const char key[] = "hvsim-bench";
	uint64_t count, i;
	char value[32];
	double t0, t;
	int ret;

	if (parse_u64(count_arg, 1000000, &count) || !count) {
		fprintf(stderr, "hvsim: kvp bench: bad count \"%s\" (1-1000000)\n", count_arg);
		return 2;
	}
	t0 = now_s();
	for (i = 0; i < count; i++) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)i);
		ret = kvp_set(fd, pool, key, value, HVIS_KVP_REG_SZ);
		if (ret)
			return ret;
		if (enumerate ? kvp_enum_quiet(fd, pool, key, value) :
				kvp_get_quiet(fd, pool, key, value))
			return 1;
	}
	t = now_s() - t0;
	printf("%llu SET+%s pairs in %.2f s: %.1f operations/s\n", (unsigned long long)count,
	       enumerate ? "ENUMERATE" : "GET", t, t > 0 ? 2 * count / t : 0.0);
	return kvp_delete(fd, pool, key);
}

static int kvp(int argc, char **argv)
{
	const char *words[3], *adapter = "";
	uint32_t type = HVIS_KVP_REG_SZ;
	int i, n = 0, pool = 0, fd, ret;
	bool enumerate = false;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--pool") && i + 1 < argc) {
			pool = parse_pool(argv[++i]);
			if (pool < 0)
				return 2;
		} else if (!strcmp(argv[i], "--adapter") && i + 1 < argc) {
			adapter = argv[++i];
		} else if (!strcmp(argv[i], "--u32")) {
			type = HVIS_KVP_REG_U32;
		} else if (!strcmp(argv[i], "--u64")) {
			type = HVIS_KVP_REG_U64;
		} else if (!strcmp(argv[i], "--enumerate")) {
			enumerate = true;
		} else if (n < 3 && (argv[i][0] != '-' || !argv[i][1] || n)) {
			words[n++] = argv[i];	/* keys and values may start with '-' */
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!n || !((!strcmp(words[0], "list") && n == 1) || (!strcmp(words[0], "get") && n == 2) ||
		    (!strcmp(words[0], "set") && n == 3) ||
		    (!strcmp(words[0], "delete") && n == 2) || (!strcmp(words[0], "ip") && n == 1) ||
		    (!strcmp(words[0], "bench") && n == 2))) {
		usage(stderr);
		return 2;
	}
	fd = xact_open("kvp");
	if (fd < 0)
		return 1;
	if (!strcmp(words[0], "list"))
		ret = kvp_list(fd, pool);
	else if (!strcmp(words[0], "get"))
		ret = kvp_get(fd, pool, words[1]);
	else if (!strcmp(words[0], "set"))
		ret = kvp_set(fd, pool, words[1], words[2], type);
	else if (!strcmp(words[0], "delete"))
		ret = kvp_delete(fd, pool, words[1]);
	else if (!strcmp(words[0], "bench"))
		ret = kvp_bench(fd, pool, words[1], enumerate);
	else
		ret = kvp_ip(fd, adapter);
	close(fd);
	return ret;
}

const struct hvsim_cmd hvsim_kvp_cmds[] = {
	{ "kvp", 0, -1, kvp,
	  "  kvp list [--pool P]               every key and value of a pool of the guest (Data\n"
	  "                                    Exchange); P: 0-4 or external guest auto\n"
	  "                                    auto-external auto-internal (default 0)\n"
	  "  kvp get KEY [--pool P]            one value\n"
	  "  kvp set KEY VALUE [--pool P] [--u32|--u64]\n"
	  "                                    store a string (or a number) in the guest's pool\n"
	  "  kvp delete KEY [--pool P]         remove a key\n"
	  "  kvp ip [--adapter ID]             the guest's IP configuration of an adapter\n"
	  "  kvp bench COUNT [--pool P] [--enumerate]\n"
	  "                                    COUNT SETs and GETs in one go: operations/s;\n"
	  "                                    --enumerate reads each value back with ENUMERATE\n" },
	{ NULL }
};
