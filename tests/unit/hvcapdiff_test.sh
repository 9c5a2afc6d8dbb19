#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvcapdiff (tools/hvcapdiff) on small hand-made captures: the format of
# include/uapi/hvis/hvcap.h, written here by a few lines of Python, with
# the messages of a short session (contact, a KVP offer, GPADL, open,
# NEGOTIATE, heartbeats, a KVP ENUMERATE) and one change at a time.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
T=unit/hvcapdiff

pass() { echo "PASS $T/$1"; }
fail() {
	echo "FAIL $T/$1${2:+ ($2)}"
	rc=1
}

if ! make -s -C "$top/tools" bin/hvcapdiff >"$tmp/build.log" 2>&1; then
	fail build
	cat "$tmp/build.log"
	exit 1
fi
pass build
bin=$top/tools/bin/hvcapdiff

if ! command -v python3 >/dev/null; then
	fail python3 "needed to write the captures"
	exit 1
fi

# mkcap OUT [CHANGE...]: the base session, with the named changes.
mkcap() {
	python3 - "$@" <<'PY'
import struct, sys
out, changes = sys.argv[1], set(sys.argv[2:])
recs = []
def rec(kind, d, ident, data):
    recs.append((kind, d, ident, data))
def msg(d, data, conn=1):
    rec(1, d, conn if d == 0 else 0, data)
def pkt(d, relid, data):
    rec(2, d, relid, data)
G2H, H2G = 0, 1
def guid(s):
    h = s.replace('-', '')
    b = bytes.fromhex(h)
    return b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]
KVP = guid('a9a0f4e7-5a45-4d96-b827-8a841e8c03e6')
HB = guid('57164f39-9115-4e78-ab55-382f3bd5422d')
def offer(cls, relid):
    body = cls + bytes(16) + bytes(16) + struct.pack('<HH', 0x11, 0) + bytes([4]) + bytes(119)
    body += struct.pack('<HHIBBHI', 0, 0, relid, 0xff, 0, 1, relid | 0x2000)
    return struct.pack('<II', 1, 0) + body
def ic(ictype, flags, body, status=0, xid=0, msgver=(3, 0)):
    h = struct.pack('<HHHHHHIBB2s', 3, 0, ictype, msgver[0], msgver[1], len(body), status,
                    xid, flags, b'\0\0')
    p = struct.pack('<II', 1, len(h) + len(body)) + h + body
    p += bytes(-len(p) % 8)
    return struct.pack('<HHHHQ', 6, 2, (16 + len(p)) // 8, 0, 7 + xid) + p
def utf16(s, size):
    b = s.encode('utf-16-le') + b'\0\0'
    return b + bytes(size - len(b))
def kvp_enum(index, key, value):
    v = struct.pack('<III', 1, len(key) * 2 + 2, len(value) * 2 + 2)
    v += utf16(key, 512) + utf16(value, 2048)
    return struct.pack('<BBH', 3, 2, 0) + struct.pack('<I', index) + v

kvp_relid = 9 if 'relid' in changes else 2
gpadl = 0xe1e20 if 'gpadl' in changes else 0xe1e10
vp = 1 if 'vp' in changes else 0
msg(G2H, struct.pack('<IIIIQQQ', 14, 0, 0x50003, 0, 0x1000, 0x2000, 0x3000), conn=4)
msg(H2G, struct.pack('<IIBBHI', 15, 0, 1, 0, 0, 1))
msg(G2H, struct.pack('<II', 3, 0))
msg(H2G, offer(HB, 1))
msg(H2G, offer(KVP, kvp_relid))
msg(H2G, struct.pack('<II', 4, 0))
for relid in (1, kvp_relid):
    g = gpadl + relid
    pfns = [0x12340 + i + (0x100 if 'pfn' in changes else 0) for i in range(4)]
    msg(G2H, struct.pack('<IIIIHHII', 8, 0, relid, g, 8 + 8 * 4, 1, 4 * 4096, 0) +
        b''.join(struct.pack('<Q', p) for p in pfns))
    msg(H2G, struct.pack('<IIIII', 10, 0, relid, g, 0))
    msg(G2H, struct.pack('<IIIIIII', 5, 0, relid, relid, g, vp, 2) + bytes(120))
    if 'extra' in changes and relid == 1:
        msg(G2H, struct.pack('<IIII', 22, 0, relid, 0))
    msg(H2G, struct.pack('<IIIII', 6, 0, relid, relid, 0))
neg = struct.pack('<HHI', 1, 2, 0) + struct.pack('<HHHHHH', 3, 0, 3, 0, 1, 0)
ans = struct.pack('<HHI', 1, 1, 0) + struct.pack('<HHHH', 3, 0, 1 if 'neg' in changes else 3, 0)
for relid, t in ((1, 1), (kvp_relid, 2)):
    pkt(H2G, relid, ic(0, 3, neg))
    pkt(G2H, relid, ic(0, 5, ans))
nhb = 5 if 'hb' in changes else 3
for i in range(nhb):
    seq = (1000 if 'seq' in changes else 0) + 100 * i
    pkt(H2G, 1, ic(1, 3, struct.pack('<Q', seq) + bytes(32), xid=i))
    pkt(G2H, 1, ic(1, 5, struct.pack('<Q', seq + 1) + bytes(32), xid=i))
pkt(H2G, kvp_relid, ic(2, 3, kvp_enum(0, '', ''), msgver=(5, 0)))
pkt(G2H, kvp_relid, ic(2, 5, kvp_enum(0, 'OSName', 'Debian' if 'kvp' not in changes else 'Other'),
                       msgver=(5, 0)))
msg(G2H, struct.pack('<II', 16, 0))
msg(H2G, struct.pack('<II', 17, 0))

body = b''
for seq, (kind, d, ident, data) in enumerate(recs):
    rl = 32 + len(data) + (-(32 + len(data)) % 8)
    body += struct.pack('<IBBHIIIIQ', rl, kind, d, 0, ident, len(data), len(data), seq,
                        1000 * seq) + data + bytes(rl - 32 - len(data))
dropped = 3 if 'dropped' in changes else 0
hdr = b'HVISCAP1' + struct.pack('<IIIIQ', 32, len(recs), dropped, 0, len(body))
open(out, 'wb').write(hdr + body)
PY
}

# run NAME EXPECTED-STATUS ARGS...: hvcapdiff's status; its output in $tmp/NAME.out.
run() {
	local name=$1 want=$2 got
	shift 2
	"$bin" "$@" >"$tmp/$name.out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit $got, wanted $want"
		sed 's/^/	/' "$tmp/$name.out" | head -n 20
	fi
}
# has NAME TEXT: the output of run NAME holds the line TEXT (fixed string).
says=0
has() {
	says=$((says + 1))
	if grep -qxF -- "$2" "$tmp/$1.out"; then
		pass "$1/says-$says"
	else
		fail "$1/says-$says" "no line: $2"
		sed 's/^/	/' "$tmp/$1.out" | head -n 20
	fi
}

mkcap "$tmp/a"
for c in vp gpadl pfn extra neg hb seq kvp relid dropped; do
	mkcap "$tmp/$c" "$c"
done
printf 'HVISCAP0whatever' >"$tmp/junk"

run same 0 "$tmp/a" "$tmp/a"
has same "hvcapdiff: 0 undeclared differences, 0 declared (A $tmp/a, B $tmp/a)"
run print 0 -p "$tmp/a"
grep -q '^ctl.kvp.g2h #1 (seq [0-9]*) OPENCHANNEL: .* target_vp=0 ' "$tmp/print.out" &&
	pass print/decoded || fail print/decoded
grep -q '^ctl.g2h #0 (seq 0) INITIATE_CONTACT/5.3: .* vmbus_version_requested=5.3 ' "$tmp/print.out" &&
	pass print/contact || fail print/contact
grep -q '^ctl.h2g #0 (seq 1) VERSION_RESPONSE/accepted: ' "$tmp/print.out" &&
	pass print/version || fail print/version
grep -q '^kvp.g2h #1 (seq [0-9]*) KVP/ENUMERATE resp: .* kvp.key="OSName" kvp.value="Debian"' \
	"$tmp/print.out" && pass print/kvp || fail print/kvp

# A field a guest chooses: reported, with stream, index, kind and both values.
run vp 1 "$tmp/a" "$tmp/vp"
has vp "DIFF ctl.heartbeat.g2h, #1, OPENCHANNEL, target_vp: A=0 B=1"
has vp "DIFF ctl.kvp.g2h, #1, OPENCHANNEL, target_vp: A=0 B=1"
has vp "hvcapdiff: 2 undeclared differences, 0 declared (A $tmp/a, B $tmp/vp)"

# Declared variable by the built-in rules: GPADL handles and PFNs.
run gpadl 0 -v "$tmp/a" "$tmp/gpadl"
grep -q '^declared: ctl.kvp.h2g, #1, GPADL_CREATED, gpadl: A=0xe1e12 B=0xe1e22  \[GPADL handles' \
	"$tmp/gpadl.out" && pass gpadl/declared || fail gpadl/declared
run pfn 0 "$tmp/a" "$tmp/pfn"
# ... but not without them.
run pfn-no-builtin 1 -n "$tmp/a" "$tmp/pfn"
has pfn-no-builtin "DIFF ctl.kvp.g2h, #0, GPADL_HEADER, pfn[3]: A=0x12343 B=0x12443"

# One extra message is one difference, the rest still pairs up.
run extra 1 "$tmp/a" "$tmp/extra"
has extra "DIFF ctl.heartbeat.g2h, #2, MODIFYCHANNEL: only in B"
has extra "hvcapdiff: 1 undeclared difference, 0 declared (A $tmp/a, B $tmp/extra)"

# NEGOTIATE: the version lists, entry by entry.
run neg 1 "$tmp/a" "$tmp/neg"
has neg "DIFF kvp.g2h, #0, NEGOTIATE resp, neg.message[0]: A=3.0 B=1.0"
has neg "DIFF heartbeat.g2h, #0, NEGOTIATE resp, neg.message[0]: A=3.0 B=1.0"

# Periodic heartbeats: only the first two count, sequence numbers are variable.
run hb 0 "$tmp/a" "$tmp/hb"
run seq 0 "$tmp/a" "$tmp/seq"
run hb-no-builtin 1 -n "$tmp/a" "$tmp/hb"
has hb-no-builtin "DIFF heartbeat.h2g, #5, HEARTBEAT req: only in B"

# A KVP body field.
run kvp 1 "$tmp/a" "$tmp/kvp"
has kvp 'DIFF kvp.g2h, #1, KVP/ENUMERATE resp, kvp.value: A="Debian" B="Other"'

# Streams follow the service, not the relid; the relid fields themselves differ.
run relid 1 "$tmp/a" "$tmp/relid"
has relid "DIFF ctl.kvp.h2g, #0, OFFERCHANNEL, child_relid: A=2 B=9"
if grep -q '^DIFF kvp\.' "$tmp/relid.out" || grep -q 'only in' "$tmp/relid.out"; then
	fail relid/same-stream
else
	pass relid/same-stream
fi
# A rules file declares them, each with its reason.
cat >"$tmp/rules" <<'R'
# the re-offer came back under another relid
ignore ctl.kvp.* * child_relid      the host numbers channels, not the guest
ignore ctl.kvp.* * openid           the guest uses the relid
ignore ctl.kvp.* OFFERCHANNEL connection_id  derived from the relid
ignore ctl.kvp.* GPADL_* gpadl      handles
R
run relid-rules 0 -r "$tmp/rules" "$tmp/a" "$tmp/relid"
printf 'ignore a b c\n' >"$tmp/noreason"
run rule-without-reason 2 -r "$tmp/noreason" "$tmp/a" "$tmp/a"

# A full buffer is a difference of its own; junk is trouble, not a pass.
run dropped 1 "$tmp/a" "$tmp/dropped"
has dropped "DIFF $tmp/dropped: 3 records dropped (capture buffer full)"
run junk 2 "$tmp/a" "$tmp/junk"
run usage 2 "$tmp/a"
exit $rc
