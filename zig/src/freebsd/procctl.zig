//! procctl(2) reaper control. A process that acquires the reaper role adopts
//! every orphan of its descendants instead of init, so its tree cannot be
//! escaped by double fork or setsid; REAP_GETPIDS lists it and REAP_KILL
//! signals all of it, subordinate reapers included.
const std = @import("std");
const errno = @import("../bsd/errno.zig");

extern fn procctl(idtype: c_int, id: i64, cmd: c_int, data: ?*anyopaque) c_int;
extern fn getpid() c_int;
extern fn wait4(pid: c_int, status: ?*c_int, options: c_int, rusage: ?*anyopaque) c_int;

const WNOHANG: c_int = 1;
const REAPER_PIDINFO_VALID: u32 = 0x1;
const REAPER_PIDINFO_CHILD: u32 = 0x2;
const REAPER_PIDINFO_ZOMBIE: u32 = 0x8;

/// <sys/wait.h> idtype_t: the first member.
const P_PID: c_int = 0;
const PROC_REAP_ACQUIRE: c_int = 2;
const PROC_REAP_RELEASE: c_int = 3;
const PROC_REAP_STATUS: c_int = 4;
const PROC_REAP_GETPIDS: c_int = 5;
const PROC_REAP_KILL: c_int = 6;

pub const REAPER_KILL_CHILDREN: u32 = 0x1;
pub const REAPER_KILL_SUBTREE: u32 = 0x2;

pub const ReaperStatus = extern struct {
    rs_flags: u32,
    rs_children: u32,
    rs_descendants: u32,
    rs_reaper: i32,
    rs_pid: i32,
    rs_pad0: [15]u32,
};

pub const ReaperPidinfo = extern struct {
    pi_pid: i32,
    pi_subtree: i32,
    pi_flags: u32,
    pi_pad0: [15]u32,
};

const ReaperPids = extern struct {
    rp_count: u32,
    rp_pad0: [15]u32,
    rp_pids: [*]ReaperPidinfo,
};

comptime {
    // Layouts of <sys/procctl.h>, which the header's records mirror.
    std.debug.assert(@sizeOf(ReaperStatus) == 80);
    std.debug.assert(@sizeOf(ReaperPidinfo) == 72);
}

const ReaperKill = extern struct {
    rk_sig: c_int,
    rk_flags: u32,
    rk_subtree: i32,
    rk_killed: u32,
    rk_fpid: i32,
    rk_pad0: [15]u32,
};

fn self(cmd: c_int, data: ?*anyopaque) i32 {
    return errno.status(procctl(P_PID, getpid(), cmd, data));
}

pub fn acquire() i32 {
    return self(PROC_REAP_ACQUIRE, null);
}

pub fn release() i32 {
    return self(PROC_REAP_RELEASE, null);
}

pub fn status(out: *ReaperStatus) i32 {
    return self(PROC_REAP_STATUS, out);
}

/// Fills `out` with the reaper's descendants; returns how many entries are valid.
pub fn getPids(out: []ReaperPidinfo) i32 {
    @memset(std.mem.sliceAsBytes(out), 0);
    var req = std.mem.zeroes(ReaperPids);
    req.rp_count = @intCast(out.len);
    req.rp_pids = out.ptr;
    const rc = self(PROC_REAP_GETPIDS, &req);
    if (rc < 0) return rc;
    // Entries end at the first one without REAPER_PIDINFO_VALID.
    var n: i32 = 0;
    for (out) |p| {
        if (p.pi_flags & REAPER_PIDINFO_VALID == 0) break;
        n += 1;
    }
    return n;
}

/// Signals every descendant (or one subtree); returns how many were signalled.
pub fn kill(sig: i32, flags: u32, subtree: i32) i32 {
    var req = std.mem.zeroes(ReaperKill);
    req.rk_sig = sig;
    req.rk_flags = flags;
    req.rk_subtree = subtree;
    const rc = self(PROC_REAP_KILL, &req);
    // ESRCH with nothing killed means there was nothing left: not a failure.
    if (rc < 0 and !(rc == -@as(i32, @intFromEnum(std.c.E.SRCH)) and req.rk_killed == 0)) return rc;
    return @intCast(req.rk_killed);
}

/// Reaps adopted orphans that have exited. A reaper adopts the orphans of its
/// descendants, and nobody else waits for them. Direct children the caller
/// started itself (pid == subtree) are left to whoever started them, so
/// Bun's own waiting is never disturbed. Returns how many were reaped.
pub fn reapOrphans() i32 {
    var infos: [256]ReaperPidinfo = undefined;
    const n = getPids(&infos);
    if (n < 0) return n;
    var reaped: i32 = 0;
    for (infos[0..@intCast(n)]) |p| {
        const adopted = p.pi_flags & REAPER_PIDINFO_CHILD != 0 and p.pi_pid != p.pi_subtree;
        if (adopted and p.pi_flags & REAPER_PIDINFO_ZOMBIE != 0 and wait4(p.pi_pid, null, WNOHANG, null) == p.pi_pid) reaped += 1;
    }
    return reaped;
}
