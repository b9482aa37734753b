//! libproc: descendants by sweeping children, and every process of a uid.
//! Both are snapshots; a process may fork between a sweep and the kill,
//! which is why the backend repeats sweeps until one finds nothing new.
const std = @import("std");
const errno = @import("../bsd/errno.zig");

extern fn proc_listchildpids(ppid: c_int, buffer: ?*anyopaque, buffersize: c_int) c_int;
extern fn proc_listpids(type: u32, typeinfo: u32, buffer: ?*anyopaque, buffersize: c_int) c_int;
extern fn kill(pid: c_int, sig: c_int) c_int;
extern fn getpid() c_int;
extern fn getuid() u32;

/// <libproc.h>: processes whose real uid is typeinfo.
const PROC_RUID_ONLY: u32 = 6;

/// Children of `pid` into `out`; returns how many.
pub fn childPids(pid: i32, out: []i32) i32 {
    const bytes: c_int = @intCast(@min(out.len * @sizeOf(i32), std.math.maxInt(c_int)));
    const n = proc_listchildpids(pid, out.ptr, bytes);
    if (n < 0) return errno.last();
    // libproc answers a count of pids here (not bytes, unlike proc_listpids).
    return @min(n, @as(c_int, @intCast(out.len)));
}

/// Sends `sig` to every process whose real uid is `uid`, except the caller.
/// Returns how many were signalled. Refuses root and the caller's own uid
/// (EINVAL): that would end the system or the caller's session.
pub fn killUid(uid: u32, sig: i32) i32 {
    if (uid == 0 or uid == getuid()) return -@as(i32, @intFromEnum(std.c.E.INVAL));
    var pids: [4096]c_int = undefined;
    const bytes = proc_listpids(PROC_RUID_ONLY, uid, &pids, @sizeOf(@TypeOf(pids)));
    if (bytes < 0) return errno.last();
    const self = getpid();
    var killed: i32 = 0;
    for (pids[0..@intCast(@divTrunc(bytes, @sizeOf(c_int)))]) |pid| {
        if (pid <= 0 or pid == self) continue;
        if (kill(pid, sig) == 0) killed += 1;
    }
    return killed;
}
