//! Exit delivery without polling or callbacks: one native thread epolls the
//! pidfds of cordon's children, reaps each exactly once with waitid(P_PIDFD)
//! and writes a fixed 128-byte record to a channel (a socket pair, or a pipe)
//! that JavaScript reads on Bun's own event loop. It reaps only pids it was
//! given — never waitpid(-1). A record a full channel cannot take is held
//! here until the channel turns writable: a busy realm loses no exit. A
//! child's mount namespace, held since its spawn, is released here after its
//! record, so its teardown never delays the report (mnt_hold.zig).
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const linux = sys.linux;
const mnt_hold = @import("mnt_hold.zig");
const pidfd_info = @import("pidfd_info.zig");

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
    /// The rest of struct rusage that Bun's resourceUsage() reports.
    nivcsw: u64,
    inblock: u64,
    oublock: u64,
    msgsnd: u64,
    msgrcv: u64,
    nsignals: u64,
    nswap: u64,
    ixrss: u64,
};

comptime {
    if (@sizeOf(Record) != 128) @compileError("exit record must be 128 bytes");
}

const epoll_ctl_add: usize = 1;
const epoll_ctl_mod: usize = 3;
const epollin: u32 = 1;
const epollout: u32 = 4;
/// One event per arming: a reaped child's entry goes quiet with no
/// EPOLL_CTL_DEL before its record, and leaves the set when its pidfd closes.
const epolloneshot: u32 = 1 << 30;
const p_pidfd: usize = 3;
const wexited: usize = 4;
const wnohang: usize = 1;
/// __WALL: wait for the child whatever its exit signal.
const wall: usize = 0x40000000;
const o_cloexec: usize = 0o2000000;
const thread_stack_size: usize = 256 * 1024;
const msg_dontwait: usize = 0x40;
/// A realm that is gone closes its end: EPIPE, never a SIGPIPE.
const msg_nosignal: usize = 0x4000;
const eagain: abi.Status = -11;
const enoent: abi.Status = -2;
const enotsock: abi.Status = -88;
const echild: abi.Status = -10;
/// The low half of an event's data when the event is "channel writable"
/// (a pidfd is an fd number, never this).
const channel_event: u32 = 0xffff_ffff;

var epfd: i32 = -1;
var started = false;
var starting = false;

/// Starts the thread once per process; any thread may call it, concurrent
/// callers wait for the first. Returns 0.
pub fn start() abi.Status {
    while (!@atomicLoad(bool, &started, .acquire)) {
        if (@cmpxchgStrong(bool, &starting, false, true, .acq_rel, .acquire) != null) {
            _ = linux.syscall0(.sched_yield);
            continue;
        }
        defer @atomicStore(bool, &starting, false, .release);
        if (@atomicLoad(bool, &started, .acquire)) break;
        const rc = launch();
        if (rc < 0) return rc;
        @atomicStore(bool, &started, true, .release);
    }
    return 0;
}

fn launch() abi.Status {
    const ep = linux.syscall1(.epoll_create1, o_cloexec);
    if (sys.isError(ep)) return sys.status(ep);
    const stack = linux.syscall6(.mmap, 0, thread_stack_size, 0x3, 0x22 | 0x20000, @bitCast(@as(isize, -1)), 0);
    if (sys.isError(stack)) {
        _ = linux.syscall1(.close, ep);
        return sys.status(stack);
    }
    @atomicStore(i32, &epfd, @intCast(ep), .release);
    // A thread of Bun's process that Bun's runtime does not know about: all
    // signals stay blocked on it so no handler of Bun's ever runs here.
    const all: u64 = ~@as(u64, 0);
    var old: u64 = 0;
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&all), @intFromPtr(&old), 8);
    const flags: u32 = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; // VM FS FILES SIGHAND THREAD SYSVSEM
    const rc = linux.clone(&loop, stack + thread_stack_size, flags, 0, null, 0, null);
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&old), 0, 8);
    if (sys.isError(rc)) {
        _ = linux.syscall2(.munmap, stack, thread_stack_size);
        _ = linux.syscall1(.close, ep);
        @atomicStore(i32, &epfd, -1, .release);
        return sys.status(rc);
    }
    return 0;
}

/// Registers a child's pidfd. Its exit record (id = the pidfd) goes to
/// `channel`, the caller's write end of a socket pair (or pipe): each JavaScript realm
/// (the main thread, each Worker) reads its own channel, so no realm ever
/// sees another's records.
pub fn watch(pidfd: i32, channel: i32) abi.Status {
    if (!@atomicLoad(bool, &started, .acquire)) return abi.Error.invalid_argument.status();
    if (pidfd < 0 or channel < 0) return abi.Error.invalid_argument.status();
    const data = (@as(u64, @as(u32, @bitCast(channel))) << 32) | @as(u32, @bitCast(pidfd));
    return sys.status(arm(epoll_ctl_add, @bitCast(pidfd), data));
}

fn arm(op: usize, pidfd: u32, data: u64) usize {
    return ctl(op, pidfd, epollin | epolloneshot, data);
}

fn ctl(op: usize, fd: u32, events: u32, data: u64) usize {
    var ev: linux.epoll_event = .{ .events = events, .data = .{ .u64 = data } };
    return linux.syscall4(.epoll_ctl, @as(u32, @bitCast(epfd)), op, fd, @intFromPtr(&ev));
}

fn loop(_: usize) callconv(.c) u8 {
    var events: [16]linux.epoll_event = undefined;
    // Mount namespace handles of reported children (mnt_hold.zig), closed
    // once no event is waiting: every exit of a burst is reported before any
    // namespace is torn down.
    var handles: [64]i32 = undefined;
    var held_handles: usize = 0;
    while (true) {
        // epoll_pwait: aarch64 has no plain epoll_wait.
        const timeout: isize = if (held_handles > 0) 0 else -1;
        const n = linux.syscall6(.epoll_pwait, @as(u32, @bitCast(epfd)), @intFromPtr(&events), events.len, @bitCast(timeout), 0, 8);
        if (n == 0 or sys.isError(n)) {
            for (handles[0..held_handles]) |h| mnt_hold.close(h);
            held_handles = 0;
        }
        if (n == 0) continue;
        if (sys.isError(n)) {
            // EINTR: again. Anything else would repeat at once: pause instead of spinning.
            if (sys.status(n) != -4) {
                const pause = [2]i64{ 0, 10_000_000 };
                _ = linux.syscall2(.nanosleep, @intFromPtr(&pause), 0);
            }
            continue;
        }
        for (events[0..n]) |ev| {
            const channel: u32 = @truncate(ev.data.u64 >> 32);
            if (@as(u32, @truncate(ev.data.u64)) == channel_event) {
                flush(channel);
                continue;
            }
            const h = reap(ev.data.u64);
            if (h < 0) continue;
            if (held_handles < handles.len) {
                handles[held_handles] = h;
                held_handles += 1;
            } else mnt_hold.close(h); // its record is out already
        }
    }
}

/// Reaps and reports one child; returns its mount namespace handle (or -1),
/// for the caller to close once the burst is reported.
fn reap(data: u64) i32 {
    const pidfd: u32 = @truncate(data);
    var info: [32]i32 = @splat(0); // siginfo_t: signo, errno, code, pad, pid, uid, status
    var ru: [18]i64 = @splat(0); // struct rusage
    const rc = linux.syscall5(.waitid, p_pidfd, pidfd, @intFromPtr(&info), wexited | wnohang | wall, @intFromPtr(&ru));
    if (!sys.isError(rc) and info[4] == 0) {
        // Not exited yet: arm again. The pidfd is the caller's and stays open
        // until the record, so this cannot reach a recycled fd number.
        _ = arm(epoll_ctl_mod, pidfd, data);
        return -1;
    }
    // No EPOLL_CTL_DEL: the one-shot entry is already quiet. (A DEL after the
    // record could hit a new pidfd given the same number by then.)
    const channel: u32 = @truncate(data >> 32);
    // ECHILD: the kernel reaped the child itself (SIGCHLD ignored); the
    // status is still there for the pidfd, without the rusage.
    const reaped = if (sys.status(rc) == echild) reapedExit(pidfd) else null;
    const rec: Record = .{
        .id = pidfd,
        .pid = if (reaped) |e| e.pid else info[4],
        .code = if (reaped) |e| e.code else if (sys.isError(rc)) sys.status(rc) else info[2],
        .status = if (reaped) |e| e.status else info[6],
        .utime_us = @intCast(ru[0] * 1_000_000 + ru[1]),
        .stime_us = @intCast(ru[2] * 1_000_000 + ru[3]),
        .maxrss_kb = @intCast(ru[4]),
        .minflt = @intCast(ru[8]),
        .majflt = @intCast(ru[9]),
        .nvcsw = @intCast(ru[16]),
        .nivcsw = @intCast(ru[17]),
        .inblock = @intCast(ru[11]),
        .oublock = @intCast(ru[12]),
        .msgsnd = @intCast(ru[13]),
        .msgrcv = @intCast(ru[14]),
        .nsignals = @intCast(ru[15]),
        .nswap = @intCast(ru[10]),
        .ixrss = @intCast(ru[5]),
    };
    // Taken before the record: once it is out, the caller may close the
    // pidfd and its number may name the next child.
    const handle = mnt_hold.take(pidfd);
    post(channel, rec);
    return handle;
}

/// The pidfd turns readable at the exit, a moment before an auto-reaping
/// kernel has released the task and recorded its status: a few yields cover
/// that window. Null where the kernel keeps no status (before 6.15).
fn reapedExit(pidfd: u32) ?pidfd_info.Exit {
    for (0..1000) |_| {
        switch (pidfd_info.exit(pidfd)) {
            .exit => |e| return e,
            .unsupported => return null,
            .pending => _ = linux.syscall0(.sched_yield),
        }
    }
    return null;
}

/// Writes one record without blocking. 128 bytes go whole or not at all: a
/// pipe writes below PIPE_BUF atomically, a stream socket takes a write
/// this small as one buffer. Records never interleave.
fn send(channel: u32, rec: *const Record) usize {
    const rc = linux.syscall6(.sendto, channel, @intFromPtr(rec), @sizeOf(Record), msg_dontwait | msg_nosignal, 0, 0);
    if (sys.status(rc) != enotsock) return rc;
    return linux.syscall3(.write, channel, @intFromPtr(rec), @sizeOf(Record)); // a pipe (non-blocking)
}

fn post(channel: u32, rec: Record) void {
    const rc = send(channel, &rec);
    // Any other error: the realm is gone (a terminated Worker closed its end)
    // and nobody awaits the record.
    if (sys.isError(rc) and sys.status(rc) == eagain) hold(channel, rec);
}

/// Records waiting for a full channel, in arrival order; only this thread
/// touches them. Memory is mapped on the first need and grows by doubling.
const Held = extern struct { channel: u32, reserved: u32 = 0, rec: Record };
var held: [*]Held = undefined;
var held_len: usize = 0;
var held_bytes: usize = 0;

fn hold(channel: u32, rec: Record) void {
    if ((held_len + 1) * @sizeOf(Held) > held_bytes) {
        const bytes = if (held_bytes == 0) 64 * 1024 else held_bytes * 2;
        const mem = if (held_bytes == 0)
            linux.syscall6(.mmap, 0, bytes, 0x3, 0x22, @bitCast(@as(isize, -1)), 0) // RW, PRIVATE|ANON
        else
            linux.syscall5(.mremap, @intFromPtr(held), held_bytes, bytes, 1, 0); // MREMAP_MAYMOVE
        if (sys.isError(mem)) return; // out of memory: this one record is lost
        held = @ptrFromInt(mem);
        held_bytes = bytes;
    }
    held[held_len] = .{ .channel = channel, .rec = rec };
    held_len += 1;
    armChannel(channel);
}

/// Asks for one "writable" event of `channel` (the write end stays open: it
/// is the realm's, never closed while the realm lives).
fn armChannel(channel: u32) void {
    const data = (@as(u64, channel) << 32) | channel_event;
    const rc = ctl(epoll_ctl_mod, channel, epollout | epolloneshot, data);
    if (sys.status(rc) == enoent) _ = ctl(epoll_ctl_add, channel, epollout | epolloneshot, data);
}

/// `channel` has room again: writes its held records in order until it is
/// full again (then waits for the next event) or gone (then drops them).
fn flush(channel: u32) void {
    var kept: usize = 0;
    var full = false;
    var gone = false;
    for (held[0..held_len]) |h| {
        if (h.channel == channel and !full) {
            if (gone) continue;
            const rc = send(channel, &h.rec);
            if (!sys.isError(rc)) continue;
            if (sys.status(rc) == eagain) full = true else {
                gone = true;
                continue;
            }
        }
        held[kept] = h;
        kept += 1;
    }
    held_len = kept;
    if (full) armChannel(channel);
}
