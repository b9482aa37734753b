//! Exit delivery without polling or callbacks: one native thread epolls the
//! pidfds of cordon's children, reaps each exactly once with waitid(P_PIDFD)
//! and writes a fixed 64-byte record to a pipe that JavaScript reads with
//! Bun's own streams. It reaps only pids it was given — never waitpid(-1).
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const linux = sys.linux;

/// struct cordon_linux_exit_record (cordon_linux_spawn.h).
pub const Record = extern struct {
    id: u32,
    pid: i32,
    /// si_code: CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3; -errno if waitid failed.
    code: i32,
    /// Exit status or signal number.
    status: i32,
    utime_us: u64,
    stime_us: u64,
    maxrss_kb: u64,
    minflt: u64,
    majflt: u64,
    nvcsw: u64,
};

comptime {
    if (@sizeOf(Record) != 64) @compileError("exit record must be 64 bytes");
}

const epoll_ctl_add: usize = 1;
const epoll_ctl_del: usize = 2;
const epollin: u32 = 1;
const p_pidfd: usize = 3;
const wexited: usize = 4;
const wnohang: usize = 1;
const o_cloexec: usize = 0o2000000;
const thread_stack_size: usize = 256 * 1024;

var epfd: i32 = -1;
var pipe_read: i32 = -1;
var pipe_write: i32 = -1;
var starting = false;

/// Starts the thread once; returns the read end of the record pipe.
pub fn start() abi.Status {
    if (@atomicLoad(i32, &pipe_read, .acquire) >= 0) return pipe_read;
    if (@cmpxchgStrong(bool, &starting, false, true, .acq_rel, .acquire) != null) return abi.Error.invalid_argument.status();
    defer @atomicStore(bool, &starting, false, .release);

    const ep = linux.syscall1(.epoll_create1, o_cloexec);
    if (sys.isError(ep)) return sys.status(ep);
    var fds = [2]i32{ -1, -1 };
    const p = linux.syscall2(.pipe2, @intFromPtr(&fds), o_cloexec);
    if (sys.isError(p)) {
        _ = linux.syscall1(.close, ep);
        return sys.status(p);
    }
    epfd = @intCast(ep);
    pipe_write = fds[1];

    const stack = linux.syscall6(.mmap, 0, thread_stack_size, 0x3, 0x22 | 0x20000, @bitCast(@as(isize, -1)), 0);
    if (sys.isError(stack)) return sys.status(stack);
    // A thread of Bun's process that Bun's runtime does not know about: all
    // signals stay blocked on it so no handler of Bun's ever runs here.
    const all: u64 = ~@as(u64, 0);
    var old: u64 = 0;
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&all), @intFromPtr(&old), 8);
    const flags: u32 = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; // VM FS FILES SIGHAND THREAD SYSVSEM
    const rc = linux.clone(&loop, stack + thread_stack_size, flags, 0, null, 0, null);
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&old), 0, 8);
    if (sys.isError(rc)) return sys.status(rc);
    @atomicStore(i32, &pipe_read, fds[0], .release);
    return fds[0];
}

/// Registers a child's pidfd; its exit arrives as a record carrying `id`.
pub fn watch(pidfd: i32, id: u32) abi.Status {
    if (@atomicLoad(i32, &pipe_read, .acquire) < 0) return abi.Error.invalid_argument.status();
    if (pidfd < 0) return abi.Error.invalid_argument.status();
    var ev: linux.epoll_event = .{ .events = epollin, .data = .{ .u64 = (@as(u64, id) << 32) | @as(u32, @bitCast(pidfd)) } };
    return sys.status(linux.syscall4(.epoll_ctl, @as(u32, @bitCast(epfd)), epoll_ctl_add, @as(u32, @bitCast(pidfd)), @intFromPtr(&ev)));
}

fn loop(_: usize) callconv(.c) u8 {
    var events: [16]linux.epoll_event = undefined;
    while (true) {
        // epoll_pwait: aarch64 has no plain epoll_wait.
        const n = linux.syscall6(.epoll_pwait, @as(u32, @bitCast(epfd)), @intFromPtr(&events), events.len, @bitCast(@as(isize, -1)), 0, 8);
        if (sys.isError(n)) continue; // EINTR
        for (events[0..n]) |ev| reap(ev.data.u64);
    }
}

fn reap(data: u64) void {
    const pidfd: u32 = @truncate(data);
    var info: [32]i32 = @splat(0); // siginfo_t: signo, errno, code, pad, pid, uid, status
    var ru: [18]i64 = @splat(0); // struct rusage
    const rc = linux.syscall5(.waitid, p_pidfd, pidfd, @intFromPtr(&info), wexited | wnohang, @intFromPtr(&ru));
    if (!sys.isError(rc) and info[4] == 0) return; // not exited yet
    _ = linux.syscall4(.epoll_ctl, @as(u32, @bitCast(epfd)), epoll_ctl_del, pidfd, 0);
    const rec: Record = .{
        .id = @truncate(data >> 32),
        .pid = info[4],
        .code = if (sys.isError(rc)) sys.status(rc) else info[2],
        .status = info[6],
        .utime_us = @intCast(ru[0] * 1_000_000 + ru[1]),
        .stime_us = @intCast(ru[2] * 1_000_000 + ru[3]),
        .maxrss_kb = @intCast(ru[4]),
        .minflt = @intCast(ru[8]),
        .majflt = @intCast(ru[9]),
        .nvcsw = @intCast(ru[16]),
    };
    // 64 bytes < PIPE_BUF: the write is atomic, records never interleave.
    _ = linux.syscall3(.write, @as(u32, @bitCast(pipe_write)), @intFromPtr(&rec), @sizeOf(Record));
}
