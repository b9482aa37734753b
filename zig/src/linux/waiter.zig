//! Exit delivery without polling or callbacks: one native thread epolls the
//! pidfds of cordon's children, reaps each exactly once with waitid(P_PIDFD)
//! and writes a fixed 128-byte record to a channel (a socket pair, or a pipe)
//! that JavaScript reads on Bun's own event loop. It reaps only pids it was
//! given — never waitpid(-1). A record a full channel cannot take is held
//! here until the channel turns writable: a busy realm loses no exit. A
//! child's mount namespace, held since its spawn, is released here after its
//! record, so its teardown never delays the report (mnt_hold.zig).
//!
//! The epoll fd lives in Bun's fd table, where any code may close it (or see
//! its number reused). Before each wait and each registration the set proves
//! it is still cordon's: it holds a sentinel eventfd nobody else registers,
//! and EPOLL_CTL_MOD of that sentinel succeeds only there. When it fails the
//! watcher is rebuilt from the table of watched children (watched.zig): a new
//! set, every child registered again, a new thread; the old thread leaves as
//! soon as it wakes (one whose set never wakes again stays blocked, with its
//! stack: the cost of a rebuild). The old fds are never closed: their numbers
//! may name someone else's files by then.
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const cordon_h = @import("../header.zig").c;
const linux = sys.linux;
const mnt_hold = @import("mnt_hold.zig");
const pidfd_info = @import("pidfd_info.zig");
const watched = @import("watched.zig");

/// struct cordon_linux_exit_record (cordon_linux_spawn.h).
pub const Record = cordon_h.struct_cordon_linux_exit_record;

/// One event per arming: a reaped child's entry goes quiet with no
/// EPOLL_CTL_DEL before its record, and leaves the set when its pidfd closes.
/// __WALL: wait for the child whatever its exit signal.
const thread_stack_size: usize = 256 * 1024;
/// A realm that is gone closes its end: EPIPE, never a SIGPIPE.
const eagain: abi.Status = -11;
const enoent: abi.Status = -2;
const enotsock: abi.Status = -88;
const echild: abi.Status = -10;
/// The low half of an event's data when the event is "channel writable"
/// (a pidfd is an fd number, never this), and the sentinel's.
const channel_event: u32 = 0xffff_ffff;
const sentinel_event: u64 = 0xffff_fffe;

/// Everything below is guarded by `lock_word`: the JavaScript threads that
/// register children and the watcher thread that reports them take turns.
var lock_word: u32 = 0;
/// The epoll set and its sentinel (see the top of this file).
var epfd: i32 = -1;
var sentinel: i32 = -1;
/// Bumped by each rebuild; a thread serving an older one leaves.
var generation: usize = 0;
/// A thread serves the current generation.
var serving = false;
var started = false;

fn lock() void {
    while (@cmpxchgWeak(u32, &lock_word, 0, 1, .acquire, .monotonic) != null) _ = linux.syscall0(.sched_yield);
}

fn unlock() void {
    @atomicStore(u32, &lock_word, 0, .release);
}

/// Starts the thread once per process; any thread may call it. Returns 0.
pub fn start() abi.Status {
    lock();
    defer unlock();
    started = true;
    return ready();
}

/// Whether `epfd` still names cordon's set: only there is the sentinel registered.
fn intact() bool {
    if (epfd < 0 or sentinel < 0) return false;
    return !sys.isError(ctl(uapi.epoll_ctl_mod, @bitCast(sentinel), uapi.epollin, sentinel_event));
}

/// A set that is cordon's and a thread that waits on it, rebuilt if need be. Lock held.
fn ready() abi.Status {
    if (serving and intact()) return 0;
    return rebuild();
}

/// A new set with a new sentinel, every watched child and every channel with
/// held records registered again, and a new thread to wait on it. The old
/// fds stay as they are (see the top of this file). Lock held.
fn rebuild() abi.Status {
    const ep = linux.syscall1(.epoll_create1, uapi.o_cloexec);
    if (sys.isError(ep)) return sys.status(ep);
    const ev = linux.syscall2(.eventfd2, 0, uapi.o_cloexec | uapi.efd_nonblock);
    if (sys.isError(ev)) {
        _ = linux.syscall1(.close, ep);
        return sys.status(ev);
    }
    var sev: linux.epoll_event = .{ .events = uapi.epollin, .data = .{ .u64 = sentinel_event } };
    const added = linux.syscall4(.epoll_ctl, ep, uapi.epoll_ctl_add, ev, @intFromPtr(&sev));
    const stack = linux.syscall6(.mmap, 0, thread_stack_size, 0x3, 0x22 | 0x20000, @bitCast(@as(isize, -1)), 0);
    if (sys.isError(added) or sys.isError(stack)) {
        _ = linux.syscall1(.close, ep);
        _ = linux.syscall1(.close, ev);
        return sys.status(if (sys.isError(added)) added else stack);
    }
    epfd = @intCast(ep);
    sentinel = @intCast(ev);
    generation +%= 1;
    serving = false;
    watched.each({}, rearmChild);
    for (held[0..held_len]) |h| armChannel(h.channel);
    // A thread of Bun's process that Bun's runtime does not know about: all
    // signals stay blocked on it so no handler of Bun's ever runs here.
    const all: u64 = ~@as(u64, 0);
    var old: u64 = 0;
    _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&all), @intFromPtr(&old), 8);
    const flags: u32 = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; // VM FS FILES SIGHAND THREAD SYSVSEM
    const rc = linux.clone(&loop, stack + thread_stack_size, flags, generation, null, 0, null);
    _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&old), 0, 8);
    if (sys.isError(rc)) {
        // The set stays: the next start or watch tries the thread again.
        _ = linux.syscall2(.munmap, stack, thread_stack_size);
        return sys.status(rc);
    }
    serving = true;
    return 0;
}

/// Registers a watched child in a rebuilt set. A pidfd the caller closed
/// against the contract (or whose number names another file now) can never
/// report: its record says EBADF at once, so no waiter hangs.
fn rearmChild(_: void, pidfd: u32, channel: u32) void {
    const data = (@as(u64, channel) << 32) | pidfd;
    // Signal 0 through it: EBADF means no pidfd; anything else (0, ESRCH for
    // an exited child, EPERM) means one.
    var rc = linux.syscall4(.pidfd_send_signal, pidfd, 0, 0, 0);
    if (sys.status(rc) != -uapi.e.BADF) rc = arm(uapi.epoll_ctl_add, pidfd, data);
    if (!sys.isError(rc)) return;
    watched.remove(pidfd);
    post(channel, .{ .id = pidfd, .pid = 0, .code = sys.status(rc), .status = 0, .utime_us = 0, .stime_us = 0, .maxrss_kb = 0, .minflt = 0, .majflt = 0, .nvcsw = 0 });
}

/// Registers a child's pidfd. Its exit record (id = the pidfd) goes to
/// `channel`, the caller's write end of a socket pair (or pipe): each JavaScript realm
/// (the main thread, each Worker) reads its own channel, so no realm ever
/// sees another's records.
pub fn watch(pidfd: i32, channel: i32) abi.Status {
    if (pidfd < 0 or channel < 0 or pidfd >= watched.slots) return abi.Error.invalid_argument.status();
    lock();
    defer unlock();
    if (!started) return abi.Error.invalid_argument.status();
    const r = ready();
    if (r < 0) return r;
    const data = (@as(u64, @as(u32, @bitCast(channel))) << 32) | @as(u32, @bitCast(pidfd));
    const rc = arm(uapi.epoll_ctl_add, @bitCast(pidfd), data);
    if (!sys.isError(rc) and !watched.put(@bitCast(pidfd), @bitCast(channel))) return sys.status(@bitCast(@as(isize, -12))); // ENOMEM
    return sys.status(rc);
}

/// A child reaped by its caller (cordon_linux_pidfd_reap) is owed no record:
/// forgotten before its pidfd is closed.
pub fn forget(pidfd: i32) void {
    if (pidfd < 0) return;
    lock();
    defer unlock();
    watched.remove(@bitCast(pidfd));
}

fn arm(op: usize, pidfd: u32, data: u64) usize {
    return ctl(op, pidfd, uapi.epollin | uapi.epolloneshot, data);
}

fn ctl(op: usize, fd: u32, events: u32, data: u64) usize {
    var ev: linux.epoll_event = .{ .events = events, .data = .{ .u64 = data } };
    return linux.syscall4(.epoll_ctl, @as(u32, @bitCast(epfd)), op, fd, @intFromPtr(&ev));
}

/// The watcher thread of one generation. It waits outside the lock and
/// handles what it got inside it; once a rebuild has replaced its set it
/// leaves without handling anything more (the new set holds every child
/// still owed a record).
fn loop(gen: usize) callconv(.c) u8 {
    var events: [16]linux.epoll_event = undefined;
    // Mount namespace handles of reported children (mnt_hold.zig), closed
    // once no event is waiting: every exit of a burst is reported before any
    // namespace is torn down.
    var handles: [64]i32 = undefined;
    var held_handles: usize = 0;
    defer for (handles[0..held_handles]) |h| mnt_hold.close(h);
    while (true) {
        lock();
        if (generation != gen) return unlockAnd(0);
        if (!intact()) {
            // Gone or taken over: a new set and thread carry on (or, failing
            // that, the next start or watch makes them).
            _ = rebuild();
            return unlockAnd(0);
        }
        const ep: u32 = @bitCast(epfd);
        unlock();
        // epoll_pwait: aarch64 has no plain epoll_wait.
        const timeout: isize = if (held_handles > 0) 0 else -1;
        const n = linux.syscall6(.epoll_pwait, ep, @intFromPtr(&events), events.len, @bitCast(timeout), 0, 8);
        if (n == 0 or sys.isError(n)) {
            for (handles[0..held_handles]) |h| mnt_hold.close(h);
            held_handles = 0;
        }
        if (n == 0) continue;
        if (sys.isError(n)) {
            // EINTR: again; EBADF, EINVAL: the set is gone, which the check above
            // sees. Anything else would repeat at once: pause instead of spinning.
            const e = sys.status(n);
            if (e != -uapi.e.INTR and e != -uapi.e.BADF and e != -uapi.e.INVAL) {
                const pause = [2]i64{ 0, 10_000_000 };
                _ = linux.syscall2(.nanosleep, @intFromPtr(&pause), 0);
            }
            continue;
        }
        lock();
        if (generation != gen) return unlockAnd(0);
        for (events[0..n]) |ev| {
            const channel: u32 = @truncate(ev.data.u64 >> 32);
            if (ev.data.u64 == sentinel_event) continue;
            if (@as(u32, @truncate(ev.data.u64)) == channel_event) {
                flush(channel);
                continue;
            }
            const h = reap(@truncate(ev.data.u64));
            if (h < 0) continue;
            if (held_handles < handles.len) {
                handles[held_handles] = h;
                held_handles += 1;
            } else mnt_hold.close(h); // its record is out already
        }
        unlock();
    }
}

fn unlockAnd(rc: u8) u8 {
    unlock();
    return rc;
}

/// Reaps and reports one child (lock held); returns its mount namespace
/// handle (or -1), for the caller to close once the burst is reported. A
/// pidfd not in the table is owed nothing: reported already, or reaped by
/// its caller.
fn reap(pidfd: u32) i32 {
    const channel = watched.get(pidfd) orelse return -1;
    const data = (@as(u64, channel) << 32) | pidfd;
    var info: [32]i32 = @splat(0); // siginfo_t: signo, errno, code, pad, pid, uid, status
    var ru: [18]i64 = @splat(0); // struct rusage
    const rc = linux.syscall5(.waitid, uapi.p_pidfd, pidfd, @intFromPtr(&info), uapi.wexited | uapi.wnohang | uapi.wall, @intFromPtr(&ru));
    if (!sys.isError(rc) and info[4] == 0) {
        // Not exited yet: arm again. The pidfd is the caller's and stays open
        // until the record, so this cannot reach a recycled fd number.
        _ = arm(uapi.epoll_ctl_mod, pidfd, data);
        return -1;
    }
    watched.remove(pidfd);
    // No EPOLL_CTL_DEL: the one-shot entry is already quiet. (A DEL after the
    // record could hit a new pidfd given the same number by then.)
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
    const rc = linux.syscall6(.sendto, channel, @intFromPtr(rec), @sizeOf(Record), uapi.msg_dontwait | uapi.msg_nosignal, 0, 0);
    if (sys.status(rc) != enotsock) return rc;
    return linux.syscall3(.write, channel, @intFromPtr(rec), @sizeOf(Record)); // a pipe (non-blocking)
}

fn post(channel: u32, rec: Record) void {
    const rc = send(channel, &rec);
    // Any other error: the realm is gone (a terminated Worker closed its end)
    // and nobody awaits the record.
    if (sys.isError(rc) and sys.status(rc) == eagain) hold(channel, rec);
}

/// Records waiting for a full channel, in arrival order; touched only with
/// the lock held. Memory is mapped on the first need and grows by doubling.
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
    const rc = ctl(uapi.epoll_ctl_mod, channel, uapi.epollout | uapi.epolloneshot, data);
    if (sys.status(rc) == enoent) _ = ctl(uapi.epoll_ctl_add, channel, uapi.epollout | uapi.epolloneshot, data);
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

test "a set whose number now names another epoll is left alone: watch rebuilds rather than register there" {
    const std = @import("std");
    try std.testing.expectEqual(@as(abi.Status, 0), start());
    lock();
    const old: u32 = @bitCast(epfd);
    unlock();
    // Someone closes the watcher's fd, and the number comes back as their own epoll set.
    _ = linux.syscall1(.close, old);
    const foreign = linux.syscall1(.epoll_create1, uapi.o_cloexec);
    try std.testing.expect(!sys.isError(foreign));
    if (foreign != old) {
        try std.testing.expect(!sys.isError(linux.syscall3(.dup3, foreign, old, uapi.o_cloexec)));
        _ = linux.syscall1(.close, foreign);
    }
    defer _ = linux.syscall1(.close, old);
    const pidfd = linux.syscall2(.pidfd_open, linux.syscall0(.getpid), 0); // this process: it never exits here
    try std.testing.expect(!sys.isError(pidfd));
    var pair: [2]i32 = .{ -1, -1 };
    try std.testing.expect(!sys.isError(linux.syscall4(.socketpair, 1, 1 | uapi.o_cloexec, 0, @intFromPtr(&pair))));
    try std.testing.expectEqual(@as(abi.Status, 0), watch(@intCast(pidfd), pair[1]));
    // Registered in the watcher's new set, not in theirs.
    var ev: linux.epoll_event = .{ .events = uapi.epollin, .data = .{ .u64 = 0 } };
    try std.testing.expectEqual(@as(abi.Status, -2), sys.status(linux.syscall4(.epoll_ctl, old, uapi.epoll_ctl_mod, pidfd, @intFromPtr(&ev)))); // ENOENT
    lock();
    const now = epfd;
    unlock();
    try std.testing.expect(now != @as(i32, @bitCast(old)));
    forget(@intCast(pidfd));
    _ = linux.syscall1(.close, pidfd);
    for (pair) |f| _ = linux.close(f);
}
