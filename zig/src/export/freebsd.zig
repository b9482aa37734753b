//! FreeBSD exports (cordon_freebsd.h): argument decoding and status encoding
//! only; mechanisms live in ../freebsd/ and ../bsd/. Failures are -errno.
const abi = @import("../abi.zig");
const procctl = @import("../freebsd/procctl.zig");
const capsicum = @import("../freebsd/capsicum.zig");
const rctl = @import("../freebsd/rctl.zig");
const kevent = @import("../bsd/kevent.zig");
const rlimit = @import("../bsd/rlimit.zig");

fn aligned(comptime T: type, buf: [*]u8, len: usize) ?[]T {
    if (@intFromPtr(buf) % @alignOf(T) != 0) return null;
    const p: [*]T = @ptrCast(@alignCast(buf));
    return p[0 .. len / @sizeOf(T)];
}

export fn cordon_freebsd_reap_acquire() abi.Status {
    return procctl.acquire();
}

export fn cordon_freebsd_reap_release() abi.Status {
    return procctl.release();
}

export fn cordon_freebsd_reap_status(buf: [*]u8, len: usize) abi.Status {
    const out = aligned(procctl.ReaperStatus, buf, len) orelse return abi.Error.invalid_argument.status();
    if (out.len < 1) return abi.Error.buffer_too_small.status();
    return procctl.status(&out[0]);
}

export fn cordon_freebsd_reap_getpids(buf: [*]u8, len: usize) abi.Status {
    const out = aligned(procctl.ReaperPidinfo, buf, len) orelse return abi.Error.invalid_argument.status();
    return procctl.getPids(out);
}

export fn cordon_freebsd_reap_kill(sig: i32, flags: u32, subtree: i32) abi.Status {
    return procctl.kill(sig, flags, subtree);
}

export fn cordon_freebsd_reap_orphans() abi.Status {
    return procctl.reapOrphans();
}

export fn cordon_freebsd_cap_enter() abi.Status {
    return capsicum.enter();
}

export fn cordon_freebsd_cap_getmode() abi.Status {
    return capsicum.getMode();
}

export fn cordon_freebsd_cap_rights_limit(fd: i32, rights: u32) abi.Status {
    if (rights >> capsicum.rights_table.len != 0) return abi.Error.invalid_argument.status();
    return capsicum.limit(fd, rights);
}

export fn cordon_freebsd_rctl_add_rule(rule: [*]const u8, len: usize) abi.Status {
    if (len == 0 or rule[len - 1] != 0) return abi.Error.invalid_argument.status();
    return rctl.add(rule[0..len]);
}

export fn cordon_freebsd_rctl_remove_rule(filter: [*]const u8, len: usize) abi.Status {
    if (len == 0 or filter[len - 1] != 0) return abi.Error.invalid_argument.status();
    return rctl.remove(filter[0..len]);
}

export fn cordon_freebsd_racct_probe() abi.Status {
    return rctl.probe();
}

export fn cordon_freebsd_kqueue() abi.Status {
    return kevent.open();
}

export fn cordon_freebsd_proc_watch(kq: i32, pid: i32, fflags: u32) abi.Status {
    return kevent.watch(kq, pid, fflags);
}

export fn cordon_freebsd_proc_drain(kq: i32, buf: [*]u8, len: usize) abi.Status {
    const out = aligned(kevent.Record, buf, len) orelse return abi.Error.invalid_argument.status();
    return kevent.drain(kq, out);
}

export fn cordon_freebsd_setrlimit(resource: i32, soft: u64, hard: u64) abi.Status {
    return rlimit.set(resource, soft, hard);
}
