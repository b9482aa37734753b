//! macOS exports (cordon_darwin.h): argument decoding and status encoding
//! only; the mechanisms live in ../darwin/ and ../bsd/. Failures are -errno.
const abi = @import("../abi.zig");
const sandbox = @import("../darwin/sandbox.zig");
const libproc = @import("../darwin/libproc.zig");
const kevent = @import("../bsd/kevent.zig");

export fn cordon_darwin_sandbox_check_self() abi.Status {
    return @intFromBool(sandbox.selfSandboxed());
}

export fn cordon_darwin_kqueue() abi.Status {
    return kevent.open();
}

export fn cordon_darwin_proc_watch(kq: i32, pid: i32, fflags: u32) abi.Status {
    return kevent.watch(kq, pid, fflags);
}

export fn cordon_darwin_proc_drain(kq: i32, buf: [*]u8, len: usize) abi.Status {
    if (@intFromPtr(buf) % @alignOf(kevent.Record) != 0) return abi.Error.invalid_argument.status();
    const out: [*]kevent.Record = @ptrCast(@alignCast(buf));
    return kevent.drain(kq, out[0 .. len / @sizeOf(kevent.Record)]);
}

export fn cordon_darwin_proc_listchildpids(pid: i32, buf: [*]u8, len: usize) abi.Status {
    if (@intFromPtr(buf) % @alignOf(i32) != 0) return abi.Error.invalid_argument.status();
    const out: [*]i32 = @ptrCast(@alignCast(buf));
    return libproc.childPids(pid, out[0 .. len / @sizeOf(i32)]);
}

export fn cordon_darwin_kill_uid(uid: u32, sig: i32) abi.Status {
    if (uid == 0) return abi.Error.invalid_argument.status();
    return libproc.killUid(uid, sig);
}
