//! cordon-init: pid 1 of a sandbox's pid namespace. A command that is pid 1
//! itself reaps no orphans (they pile up as zombies, counted against the pids
//! limit) and ignores every signal it has no handler for (SIGTERM, SIGINT).
//! This small static program takes that place: it adopts the command, passes
//! on the signals a supervisor sends, reaps every orphan, and when the command
//! ends, kills whatever is left in the namespace and exits with its status.
//!
//!   cordon-init --adopt PID [--status-fd FD]
//!   cordon-init --warm FD [--status-fd FD]   (a warm sandbox: init_warm.zig)
//!
//! PID is the command, already started by this process before its execve
//! (cordon's spawn child does so, then execs this with every signal blocked,
//! so none sent meanwhile is lost).
//! Exit status: the command's, or 128+N when signal N ended it. pid 1 cannot
//! die of a signal it sends itself, so with --status-fd the command's own
//! wait status (4 bytes, native order) is written to FD just before the exit:
//! the supervisor tells "killed by SIGTERM" from "exit 143" by it.
const std = @import("std");
const linux = std.os.linux;
const init_warm = @import("init_warm.zig");

/// No segfault handler and no alternate signal stack: pid 1 has no use for
/// stack traces, and each would cost syscalls (and a 256 KiB TLS mapping) at
/// every sandbox start.
pub const std_options: std.Options = .{ .enable_segfault_handler = false, .signal_stack_size = null };

/// A failed safety check stops the program; nothing here allocates or formats.
pub const panic = std.debug.FullPanic(trap);
fn trap(_: []const u8, _: ?usize) noreturn {
    @trap();
}

const sigchld = 17;
/// Passed on to the command; the rest keep their default (SIGKILL ends the namespace).
const forwarded = [_]u6{ 1, 2, 3, 10, 12, 15, 28 }; // HUP INT QUIT USR1 USR2 TERM WINCH
const wnohang = 1;
const wall = 0x40000000;
const p_pid = 1;
const wexited = 4;
const wnowait = 0x01000000;

fn isError(rc: usize) bool {
    const s: isize = @bitCast(rc);
    return s < 0 and s > -4096;
}

fn errnoOf(rc: usize) i32 {
    return @intCast(-@as(isize, @bitCast(rc)));
}

fn parsePid(s: [*:0]const u8) ?i32 {
    var n: i32 = 0;
    var i: usize = 0;
    while (s[i] != 0) : (i += 1) {
        if (s[i] < '0' or s[i] > '9' or n > 1 << 20) return null;
        n = n * 10 + @as(i32, s[i] - '0');
    }
    return if (i == 0) null else n;
}

fn handler(_: i32) callconv(.c) void {}

fn bit(sig: u6) u64 {
    return @as(u64, 1) << (sig - 1);
}

/// The kernel's struct sigaction (x86_64 and aarch64 alike): handler, flags, restorer, mask.
const KSigaction = extern struct { handler: usize = 0, flags: u64 = 0, restorer: usize = 0, mask: u64 = 0 };

pub fn main(init: std.process.Init.Minimal) u8 {
    // kill(-1) below ends everything this process may signal: that is the
    // sandbox only when this is pid 1 of the sandbox's own pid namespace.
    // Anywhere else it would be every process of the host: refuse to run.
    if (linux.syscall0(.getpid) != 1) {
        const msg = "cordon-init: must be pid 1 of its own pid namespace\n";
        _ = linux.syscall3(.write, 2, @intFromPtr(msg.ptr), msg.len);
        return 125;
    }
    const argv = init.args.vector;
    if (argv.len != 3 and argv.len != 5) return 125;
    const warm = std.mem.eql(u8, std.mem.span(argv[1]), "--warm");
    if (!warm and !std.mem.eql(u8, std.mem.span(argv[1]), "--adopt")) return 125;
    const n = parsePid(argv[2]) orelse return 125;
    var status_fd: i32 = -1;
    if (argv.len == 5) {
        if (!std.mem.eql(u8, std.mem.span(argv[3]), "--status-fd")) return 125;
        status_fd = parsePid(argv[4]) orelse return 125;
    }
    // A warm sandbox: the command comes as a request over fd `n` first.
    const command = if (warm) init_warm.serve(n, status_fd) else n;

    // Signals are taken synchronously (sigtimedwait) below; pid 1 drops any
    // signal left at its default disposition unless it is blocked, so these
    // stay blocked for good (they came blocked: any sent before this point
    // is pending) and each gets a handler that never runs. The rest are
    // unblocked: at their defaults they are ignored here.
    var set: u64 = bit(sigchld);
    for (forwarded) |s| set |= bit(s);
    _ = linux.syscall4(.rt_sigprocmask, 0, @intFromPtr(&set), 0, 8); // SIG_BLOCK
    const act = KSigaction{ .handler = @intFromPtr(&handler) };
    for (forwarded) |s| _ = linux.syscall4(.rt_sigaction, s, @intFromPtr(&act), 0, 8);
    _ = linux.syscall4(.rt_sigaction, sigchld, @intFromPtr(&act), 0, 8);
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&set), 0, 8); // SIG_SETMASK

    // The command must be this process's child (it may have ended already:
    // its SIGCHLD is pending then, and the loop below reaps it).
    var info0: [128]u8 = undefined;
    const own = linux.syscall5(.waitid, p_pid, @as(u32, @bitCast(command)), @intFromPtr(&info0), wexited | wnowait | wnohang | wall, 0);
    if (isError(own)) return 125;

    var status: u8 = 0;
    var wait_status: u32 = 0;
    while (true) {
        var info: [128]u8 = undefined;
        const sig = linux.syscall4(.rt_sigtimedwait, @intFromPtr(&set), @intFromPtr(&info), 0, 8);
        if (isError(sig)) continue; // EINTR
        if (sig != sigchld) {
            _ = linux.syscall2(.kill, @as(u32, @bitCast(command)), sig);
            continue;
        }
        // Reap everything that has ended: the command, or orphans that came to us.
        while (true) {
            var ws: u32 = 0;
            const r = linux.syscall4(.wait4, @bitCast(@as(isize, -1)), @intFromPtr(&ws), wnohang | wall, 0);
            if (isError(r) or r == 0) break;
            if (@as(i32, @intCast(r)) != command) continue;
            status = if (ws & 0x7f == 0) @truncate(ws >> 8) else 128 +% @as(u8, @truncate(ws & 0x7f));
            wait_status = ws;
            // The command is done: nothing it left behind may outlive it.
            // Everything it left is a child of this process by now (orphans
            // come here); with none, kill(-1) would only walk the host's
            // process list. (The kernel kills whatever else is in the
            // namespace when pid 1 exits, before its parent hears of it.)
            if (noChildren()) return report(status, wait_status, status_fd);
            _ = linux.syscall2(.kill, @bitCast(@as(isize, -1)), 9);
            reapAll();
            return report(status, wait_status, status_fd);
        }
    }
}

/// Writes the command's wait status to `fd` (when given) once nothing else
/// of the sandbox is left to write there; a full or closed pipe loses it
/// (the write end is non-blocking), and the exit status stands alone.
fn report(status: u8, wait_status: u32, fd: i32) u8 {
    if (fd >= 0) {
        const bytes = std.mem.asBytes(&wait_status);
        _ = linux.syscall3(.write, @as(u32, @bitCast(fd)), @intFromPtr(bytes), bytes.len);
    }
    return status;
}

fn noChildren() bool {
    var ws: u32 = 0;
    const r = linux.syscall4(.wait4, @bitCast(@as(isize, -1)), @intFromPtr(&ws), wnohang | wall, 0);
    return isError(r) and errnoOf(r) == 10; // ECHILD
}

fn reapAll() void {
    while (true) {
        var ws: u32 = 0;
        const r = linux.syscall4(.wait4, @bitCast(@as(isize, -1)), @intFromPtr(&ws), wall, 0);
        if (isError(r)) return; // ECHILD: nobody left
    }
}
