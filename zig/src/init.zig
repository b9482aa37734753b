//! cordon-init: pid 1 of a sandbox's pid namespace. A command that is pid 1
//! itself reaps no orphans (they pile up as zombies, counted against the pids
//! limit) and ignores every signal it has no handler for (SIGTERM, SIGINT).
//! This small static program takes that place: it starts the command, passes
//! on the signals a supervisor sends, reaps every orphan, and when the command
//! ends, kills whatever is left in the namespace and exits with its status.
//!
//!   cordon-init STATUS_FD PATH ARGV0 [ARG...]     (environment passed through)
//!
//! STATUS_FD receives one little-endian int32 once the command has been
//! exec'd: 0, or the errno of its execve (then cordon-init exits 127).
//! Exit status: the command's, or 128+N when signal N ended it.
const std = @import("std");
const linux = std.os.linux;

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
const f_setfd = 2;
const fd_cloexec = 1;
const wnohang = 1;
const wall = 0x40000000;

fn isError(rc: usize) bool {
    const s: isize = @bitCast(rc);
    return s < 0 and s > -4096;
}

fn errnoOf(rc: usize) i32 {
    return @intCast(-@as(isize, @bitCast(rc)));
}

fn parseFd(s: [*:0]const u8) ?i32 {
    var n: i32 = 0;
    var i: usize = 0;
    while (s[i] != 0) : (i += 1) {
        if (s[i] < '0' or s[i] > '9' or n > 1 << 20) return null;
        n = n * 10 + @as(i32, s[i] - '0');
    }
    return if (i == 0) null else n;
}

fn report(fd: i32, errno: i32) void {
    const bytes = std.mem.toBytes(std.mem.nativeToLittle(i32, errno));
    _ = linux.syscall3(.write, @as(u32, @bitCast(fd)), @intFromPtr(&bytes), 4);
    _ = linux.syscall1(.close, @as(u32, @bitCast(fd)));
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
    if (argv.len < 4) return 125;
    const status_fd = parseFd(argv[1]) orelse return 125;
    const envp: [*:null]const ?[*:0]const u8 = @ptrCast(init.environ.block.slice.ptr);
    // The command must not inherit the status pipe.
    _ = linux.syscall3(.fcntl, @as(u32, @bitCast(status_fd)), f_setfd, fd_cloexec);

    // Signals are taken synchronously (sigtimedwait) below; pid 1 drops any
    // signal left at its default disposition, so each gets a handler first.
    // They stay blocked here for good, so the handler never runs.
    var set: u64 = bit(sigchld);
    for (forwarded) |s| set |= bit(s);
    var old: u64 = 0;
    _ = linux.syscall4(.rt_sigprocmask, 0, @intFromPtr(&set), @intFromPtr(&old), 8); // SIG_BLOCK
    const act = KSigaction{ .handler = @intFromPtr(&handler) };
    for (forwarded) |s| _ = linux.syscall4(.rt_sigaction, s, @intFromPtr(&act), 0, 8);
    _ = linux.syscall4(.rt_sigaction, sigchld, @intFromPtr(&act), 0, 8);

    // The command is started vfork-style: it shares this memory and this
    // process waits until its execve succeeded or it failed, so there is no
    // copy of the page tables and no pipe to learn the outcome.
    var start: Start = .{ .path = argv[2], .argv = argv[3..].ptr, .envp = envp, .mask = old };
    const pid_rc = linux.clone(startCommand, @intFromPtr(&child_stack) + child_stack.len, clone_vm | clone_vfork | sigchld, @intFromPtr(&start), null, 0, null);
    if (isError(pid_rc)) {
        report(status_fd, errnoOf(pid_rc));
        return 127;
    }
    const command: i32 = @intCast(pid_rc);
    const exec_errno = @atomicLoad(i32, &start.errno, .acquire);
    if (exec_errno != 0) {
        report(status_fd, exec_errno);
        reapAll();
        return 127;
    }
    report(status_fd, 0);

    var status: u8 = 0;
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
            // The command is done: nothing it left behind may outlive it.
            // Everything it left is a child of this process by now (orphans
            // come here); with none, kill(-1) would only walk the host's
            // process list. (The kernel kills whatever else is in the
            // namespace when pid 1 exits, before its parent hears of it.)
            if (noChildren()) return status;
            _ = linux.syscall2(.kill, @bitCast(@as(isize, -1)), 9);
            reapAll();
            return status;
        }
    }
}

const clone_vm = 0x100;
const clone_vfork = 0x4000;

/// What the command's child needs, and where it leaves the errno of a failed execve.
const Start = extern struct {
    path: [*:0]const u8,
    argv: [*]const ?[*:0]const u8,
    envp: [*:null]const ?[*:0]const u8,
    mask: u64,
    errno: i32 = 0,
};

/// The child's stack while it shares this memory: this process is suspended
/// until the child's execve (CLONE_VFORK), so one stack serves every start.
var child_stack: [16 * 1024]u8 align(16) = undefined;

/// The command: default dispositions and mask, then exec. Runs on
/// child_stack in this process's memory: it writes nothing but `errno`.
fn startCommand(arg: usize) callconv(.c) u8 {
    const start: *Start = @ptrFromInt(arg);
    // Its own copy of the handlers (no CLONE_SIGHAND): resetting them here
    // leaves this process's alone. Reset before the mask is lifted, so a
    // signal already pending takes its default action.
    const dfl = KSigaction{};
    for (forwarded) |s| _ = linux.syscall4(.rt_sigaction, s, @intFromPtr(&dfl), 0, 8);
    _ = linux.syscall4(.rt_sigaction, sigchld, @intFromPtr(&dfl), 0, 8);
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&start.mask), 0, 8); // SIG_SETMASK
    const rc = linux.syscall3(.execve, @intFromPtr(start.path), @intFromPtr(start.argv), @intFromPtr(start.envp));
    @atomicStore(i32, &start.errno, errnoOf(rc), .release);
    linux.exit_group(127);
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
