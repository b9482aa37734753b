//! Timing program for bench/seccomp.ts: times, with the monotonic clock around
//! raw syscalls, loops of getppid and ioctl(FIONREAD) before the filter, the
//! seccomp(SECCOMP_SET_MODE_FILTER) call that installs the filter given in
//! hex, and the same loops plus a keyctl call after it. Before/after in one
//! process pairs each sample with its own baseline. Prints one JSON line.
//! usage: seccomp-loop <hex filter or -> <flags> <calls>
const std = @import("std");
const linux = std.os.linux;

const SockFprog = extern struct { len: u16, filter: [*]const u8 };

fn now() u64 {
    var ts: linux.timespec = undefined;
    _ = linux.clock_gettime(.MONOTONIC, &ts);
    return @as(u64, @intCast(ts.sec)) * std.time.ns_per_s + @as(u64, @intCast(ts.nsec));
}

fn perCall(calls: u64, comptime op: fn () void) f64 {
    var i: u64 = 0;
    while (i < 1000) : (i += 1) op(); // warm up
    const t0 = now();
    i = 0;
    while (i < calls) : (i += 1) op();
    return @as(f64, @floatFromInt(now() - t0)) / @as(f64, @floatFromInt(calls));
}

var pipe_fd: usize = 0;
var fionread: c_int = 0;

fn getppid() void {
    _ = linux.syscall0(.getppid);
}
fn keyctl() void {
    // KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), don't create.
    _ = linux.syscall3(.keyctl, 0, @bitCast(@as(isize, -3)), 0);
}
fn ioctl() void {
    _ = linux.syscall3(.ioctl, pipe_fd, 0x541b, @intFromPtr(&fionread));
}

pub fn main(init: std.process.Init) !void {
    const args = try init.minimal.args.toSlice(init.arena.allocator());
    if (args.len != 4) return error.Usage;
    const hex = args[1];
    const flags = try std.fmt.parseInt(usize, args[2], 10);
    const calls = try std.fmt.parseInt(u64, args[3], 10);

    var fds: [2]i32 = undefined;
    _ = linux.pipe(&fds);
    pipe_fd = @intCast(fds[0]);

    const getppid_before = perCall(calls, getppid);
    const ioctl_before = perCall(calls, ioctl);
    var install_ns: u64 = 0;
    var clock_ns: u64 = 0;
    if (!std.mem.eql(u8, hex, "-")) {
        const bytes = try init.arena.allocator().alloc(u8, hex.len / 2);
        _ = try std.fmt.hexToBytes(bytes, hex);
        if (linux.prctl(@intFromEnum(linux.PR.SET_NO_NEW_PRIVS), 1, 0, 0, 0) != 0) return error.NoNewPrivs;
        const prog: SockFprog = .{ .len = @intCast(bytes.len / 8), .filter = bytes.ptr };
        const c0 = now();
        const c1 = now();
        clock_ns = c1 - c0;
        const t0 = now();
        const rc = linux.syscall3(.seccomp, 1, flags, @intFromPtr(&prog));
        install_ns = now() - t0;
        if (rc != 0) return error.SeccompFailed;
    }
    const g = perCall(calls, getppid);
    const k = perCall(calls, keyctl);
    const i = perCall(calls, ioctl);
    var buf: [256]u8 = undefined;
    const line = try std.fmt.bufPrint(&buf, "{{\"installNs\":{d},\"clockNs\":{d},\"getppid0\":{d:.2},\"ioctl0\":{d:.2},\"getppid\":{d:.2},\"keyctl\":{d:.2},\"ioctl\":{d:.2}}}\n", .{ install_ns, clock_ns, getppid_before, ioctl_before, g, k, i });
    _ = linux.write(1, line.ptr, line.len);
}
