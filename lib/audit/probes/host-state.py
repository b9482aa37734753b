# The inside half of cordon audit, continued: channels to the host's own state
# that a sandbox may share — set-id files planted in a write grant, metadata of
# the host's device nodes, inbound TCP through listen() auto-bind, key files in
# the read set, root-only /proc files and netlink families.
#
# Not a program of its own: probe-source.ts joins it after the inside-*.py
# parts; it uses inside.py's cfg, nonce, libc, attempt, Partial and emit.
# Where the truth lives outside, it asks the supervisor: one JSON line
# {"ask": ...} on stdout, one JSON answer on stdin.
import select, stat


def ask(what, **args):
    """Have the supervisor check something on the host now; its answer, or {} without one."""
    print(json.dumps(dict(args, ask=what)), flush=True)
    line = b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([0], [], [], 10)
        chunk = os.read(0, 4096) if ready else b""
        if not chunk:
            return {}
        line += chunk
    try:
        return json.loads(line)
    except ValueError:
        return {}


def refused(e, cause):
    """The OSError e, marked with the mechanism it points to."""
    e.cause = cause
    return e


# ---- set-id files in a write grant ------------------------------------------------
# The files are empty (nothing to run even if one stayed) and named with the
# nonce; the supervisor looks at them on the host, then removes them.

def setid_dir():
    return cfg.get("writeDir") or os.environ.get("TMPDIR")


def setid_name(kind):
    return "cordon-audit-%s-%s" % (nonce, kind)


# A version-2 file capability with empty sets: the attribute alone is the test.
EMPTY_FCAP = struct.pack("<IIIII", 0x02000000, 0, 0, 0, 0)


def has_cap(bit):
    """Whether the effective set holds a capability (True when it cannot be read)."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> bit & 1)
    except OSError:
        pass
    return True


def plant_setid(kind):
    def go():
        d = setid_dir()
        if not d:
            return None
        p = os.path.join(d, setid_name(kind))
        where = "the write grant" if cfg.get("writeDir") else "the private TMPDIR (no write grant in the policy)"
        if kind == "creat":
            os.close(os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o4755))
            want = stat.S_ISUID
        else:
            os.close(os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            if kind == "fcaps":
                try:
                    os.setxattr(p, "security.capability", EMPTY_FCAP)
                except PermissionError as e:
                    raise refused(e, None if has_cap(31) else "nocap")  # CAP_SETFCAP
                return "set security.capability on a file in %s" % where
            want = stat.S_ISUID if kind == "suid" else stat.S_ISGID
            os.chmod(p, 0o4755 if kind == "suid" else 0o2755)
        mode = os.stat(p).st_mode
        if not mode & want:
            raise refused(OSError(0, "the call returned success but the mode is %o" % (mode & 0o7777)), "cleared")
        return "mode %o on a file in %s" % (mode & 0o7777, where)
    return go


SETID = [
    ("fs.setid.chmod-suid", "suid", "chmod(<grant>/cordon-audit-N-suid, 04755)"),
    ("fs.setid.chmod-sgid", "sgid", "chmod(<grant>/cordon-audit-N-sgid, 02755)"),
    ("fs.setid.create-suid", "creat", "open(<grant>/cordon-audit-N-creat, O_CREAT, 04755)"),
    ("fs.setid.fcaps", "fcaps", "setxattr(<grant>/cordon-audit-N-fcaps, security.capability)"),
]
PLACE = "<write grant>" if cfg.get("writeDir") else "<private TMPDIR>"
for id, kind, call in SETID:
    attempt(id, call.replace("<grant>", PLACE), plant_setid(kind))
if setid_dir():
    ask("setid", dir=setid_dir(), files={id: setid_name(kind) for id, kind, _ in SETID})


# ---- the host's device nodes ----------------------------------------------------------
# Each node gets its current mode, owner and times again; the supervisor
# compares the inode (dev:ino) with the host's and restores anything changed.

def device_meta(op):
    def go():
        nodes = cfg.get("devices") or []
        if not nodes:
            return None
        hits, failed = {}, []
        for p in nodes:
            try:
                st = os.stat(p)
                if op == "chmod":
                    os.chmod(p, stat.S_IMODE(st.st_mode))
                elif op == "chown":
                    os.chown(p, st.st_uid, st.st_gid)
                else:
                    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
                hits[p] = "%d:%d" % (st.st_dev, st.st_ino)
            except OSError as e:
                failed.append((p, e))
        said = "; ".join("%s on %s" % (errno.errorcode.get(e.errno, e.errno), p) for p, e in failed)
        if not hits:
            e = failed[0][1]
            raise OSError(e.errno, "%s (%s)" % (e.strerror, said))
        return "%s to the same value succeeded on %s%s" % (op, ", ".join(hits), "; " + said if said else ""), {"hits": hits}
    return go


attempt("dev.meta.chmod", "chmod(<each system device node>, <its mode>)", device_meta("chmod"))
attempt("dev.meta.chown", "chown(<each system device node>, <its owner>)", device_meta("chown"))
attempt("dev.meta.utimes", "utimensat(<each system device node>, <its times>)", device_meta("utimes"))


# ---- inbound TCP through listen() on an unbound socket -------------------------------

def listen_autobind():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        try:
            s.listen(4)
        except OSError as e:
            raise refused(e, "listen")
        port = s.getsockname()[1]
        answer = ask("listen", port=port)
        ready, _, _ = select.select([s], [], [], 2 if answer.get("connected") else 0.2)
        got = b""
        if ready:
            c, _ = s.accept()
            c.settimeout(2)
            try:
                got = c.recv(64)
            finally:
                c.close()
        arrived = nonce.encode() in got
        outside = "connected" if answer.get("connected") else "could not connect (%s)" % answer.get("error", "no answer")
        return "the kernel bound 0.0.0.0:%d on listen(); the outside %s; the nonce %s" % (port, outside, "arrived" if arrived else "did not arrive"), {"accepted": arrived}
    finally:
        s.close()


attempt("net.tcp.listen", "socket(AF_INET, SOCK_STREAM) + listen() without bind()", listen_autobind)


# ---- key files in the read set ----------------------------------------------------------
# Opened for reading and closed: nothing is read.

def key_material(group):
    def go():
        g = (cfg.get("keys") or {}).get(group)
        if not g or not (g["dirs"] or g["files"]):
            return None
        opened, errs = [], []
        for f in g["files"]:
            try:
                os.close(os.open(f, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY))
                opened.append(f)
            except OSError as e:
                errs.append(e)
        if opened:
            return "opened %d of %d key files for reading (nothing read): %s" % (len(opened), len(g["files"]), ", ".join(opened))
        listed = []
        for d in g["dirs"]:
            try:
                os.listdir(d)
                listed.append(d)
            except OSError as e:
                errs.append(e)
        if listed and not g["files"]:
            raise Partial("%s can be listed inside (no key files in it here: any put there later would be readable)" % ", ".join(listed))
        e = errs[0]
        raise OSError(e.errno, "%s (%d files, %d directories tried)" % (e.strerror, len(g["files"]), len(g["dirs"])))
    return go


attempt("fs.keys.tls", "open(/etc/ssl/private/*, /etc/pki/*/private/*)", key_material("tls"))
attempt("fs.keys.ssh-host", "open(/etc/ssh/ssh_host_*_key)", key_material("sshHost"))
attempt("fs.keys.ssh-user", "open($HOME/.ssh/*)", key_material("sshUser"))


# ---- root-only /proc files ------------------------------------------------------------------

def root_only(path):
    def go():
        if path not in (cfg.get("rootOnlyProc") or []):
            return None
        try:
            f = open(path, "rb")
        except PermissionError as e:
            # access() checks the mode bits only (landlock does not hook it): a no means permissions refused.
            raise refused(e, None if os.access(path, os.R_OK) else "dac")
        with f:
            n = len(f.read(65536))
        if n == 0:
            raise refused(OSError(0, "opened, but it reads empty"), "empty")
        return "read %d bytes of %s (contents not kept)" % (n, path)
    return go


for name in ("slabinfo", "timer_list", "vmallocinfo", "pagetypeinfo"):
    attempt("proc.root.%s" % name, "read /proc/%s" % name, root_only("/proc/" + name))


# ---- netlink families other than ROUTE ----------------------------------------------------

def own_netns():
    try:
        return os.readlink("/proc/self/ns/net")
    except OSError:
        return None


def genl_families(s):
    s.settimeout(2)
    # nlmsghdr(len, GENL_ID_CTRL, REQUEST|DUMP, seq, pid) + genlmsghdr(CTRL_CMD_GETFAMILY, version 1)
    s.send(struct.pack("=LHHLL", 20, 0x10, 0x301, 1, 0) + struct.pack("=BBH", 3, 1, 0))
    count = 0
    while True:
        data = s.recv(65536)
        off = 0
        while off + 16 <= len(data):
            ln, typ = struct.unpack_from("=LH", data, off)
            if typ in (2, 3) or ln == 0:  # NLMSG_ERROR / NLMSG_DONE
                return "; %d generic families listed" % count
            count += typ == 0x10
            off += (ln + 3) & ~3
        if not data:
            return "; %d generic families listed" % count


def netlink_family(proto, group=0, extra=None):
    def go():
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        try:
            if group:
                s.bind((0, group))
            more = extra(s) if extra else ""
        finally:
            s.close()
        said = "socket opened%s%s" % (" and bound to multicast group %d" % group if group else "", more)
        ns = own_netns()
        if ns and cfg.get("hostNetns") and ns != cfg["hostNetns"]:
            raise Partial(said + ", in a private network namespace (%s, the host's is %s)" % (ns, cfg["hostNetns"]))
        return said + (", in the host's network namespace" if ns else " (network namespace unknown)")
    return go


NETLINK = [
    ("kobject_uevent", 15, 1, None),
    ("audit", 9, 0, None),
    ("xfrm", 6, 0, None),
    ("netfilter", 12, 0, None),
    ("connector", 11, 0, None),
    ("generic", 16, 0, genl_families),
]
for name, proto, group, extra in NETLINK:
    attempt("net.netlink.%s" % name, "socket(AF_NETLINK, SOCK_RAW, %d)%s" % (proto, " + bind(group %d)" % group if group else ""), netlink_family(proto, group, extra))
