# The inside half of cordon audit on Linux: run by python3 inside the
# sandbox under audit. It tries each channel once, on objects named with the
# run's nonce or planted by the supervisor, and prints one JSON line per
# attempt: {"id", "ok": true|false|null, "call", "errno", "detail"}.
# ok=true: the call succeeded; false: it failed with errno; null: the channel
# is absent here. It never reads foreign contents, never signals, never
# writes outside cordon-owned names, and removes what it creates unless the
# row exists to see whether an object outlives the sandbox (the supervisor's
# scan removes those).
#
# This file is the head: the config (argv[1], JSON) and the helpers every part
# uses. probe-source.ts joins it, the inside-*.py parts, host-state.py and
# inside-end.py into one program for python3 -I -c: the sandbox never needs
# to read these files.
import ctypes, ctypes.util, errno, json, os, socket, struct, sys

cfg = json.loads(sys.argv[1])
nonce = cfg["nonce"]
libc = ctypes.CDLL(None, use_errno=True)
ARCH = os.uname().machine
NR = {
    "x86_64": {"add_key": 248, "request_key": 249, "keyctl": 250, "userfaultfd": 323, "perf_event_open": 298, "bpf": 321, "io_uring_setup": 425, "pidfd_open": 434, "execveat": 322},
    "aarch64": {"add_key": 217, "request_key": 218, "keyctl": 219, "userfaultfd": 282, "perf_event_open": 241, "bpf": 280, "io_uring_setup": 425, "pidfd_open": 434, "execveat": 281},
}.get(ARCH, {})
libc.syscall.restype = ctypes.c_long


def emit(id, ok, call, err=None, detail="", **extra):
    name = errno.errorcode.get(err, str(err)) if err else None
    row = {"id": id, "ok": ok, "call": call, "errno": name, "detail": detail}
    row.update({k: v for k, v in extra.items() if v is not None})
    print(json.dumps(row), flush=True)


class Partial(Exception):
    """The call succeeded, but only in part (the message says which part)."""


def sys_call(name, *args):
    if name not in NR:
        raise OSError(errno.ENOSYS, "no syscall number for " + ARCH)
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(NR[name]), *args)
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def cfunc(name, restype=ctypes.c_int):
    f = getattr(libc, name)
    f.restype = restype
    return f


def check(r, bad=-1):
    if r == bad:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def attempt(id, call, fn):
    """Run fn(); it returns a detail string or (detail, data) (success), or None (channel absent).
    An OSError may carry a "cause" attribute naming the mechanism more precisely than its errno."""
    try:
        got = fn()
        detail, data = got if isinstance(got, tuple) else (got, None)
        if detail is None:
            emit(id, None, call, None, "not present here")
        else:
            emit(id, True, call, None, detail, data=data)
    except Partial as p:
        emit(id, True, call, None, str(p), partial=True)
    except OSError as e:
        emit(id, False, call, e.errno, e.strerror or "", cause=getattr(e, "cause", None), data=getattr(e, "data", None))
    except Exception as e:  # the probe itself failed: reported as such
        print(json.dumps({"id": id, "ok": None, "call": call, "errno": None, "detail": "probe error: %r" % (e,), "error": True}), flush=True)
