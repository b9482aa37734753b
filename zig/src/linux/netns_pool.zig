//! Fresh network namespaces made ahead of the spawns that join them
//! (cordon_linux_netns_pool.h). A new network namespace costs the kernel
//! ~0.35 ms (setup_net), paid inside clone3 on the spawning thread, Bun's
//! JS thread; joining one made earlier costs a setns. One native thread of
//! cordon's own makes them: unshare(CLONE_NEWNET) moves only that thread,
//! which keeps an fd of the namespace and joins the process's own again.
//! Two kinds, each held up to its own target: plain (lo down, as clone3
//! leaves it) and loopback-up (lo brought up by the thread while inside, the
//! kernel's work of that off the spawn's path too).
//! Raw syscalls only, no TLS; the held fds are guarded by a spinlock (take
//! may come from any of Bun's JS threads at once).
const std = @import("std");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const thread = @import("thread.zig");
const loopback = @import("loopback.zig");
const cordon_h = @import("../header.zig").c;
const linux = sys.linux;

pub const max: u32 = cordon_h.CORDON_NETNS_POOL_MAX;

pub const Kind = enum(u32) {
    plain = cordon_h.CORDON_NETNS_POOL_PLAIN,
    loopback_up = cordon_h.CORDON_NETNS_POOL_LOOPBACK_UP,
};

/// The kind a caller's number names, or null (the export refuses it).
pub fn kindOf(raw: u32) ?Kind {
    return std.enums.fromInt(Kind, raw);
}

const futex_wait_private: usize = 128;
const futex_wake_private: usize = 129;
const eagain: i32 = -uapi.e.AGAIN;

/// One kind's held fds: a ring, the oldest taken first.
const Held = struct {
    fds: [max]i32 = undefined,
    head: u32 = 0,
    count: u32 = 0,
    target: u32 = 0,
    /// The first failure of this kind (-errno), kept for the process's life: none more of it is made.
    failure: i32 = 0,

    fn short(h: *const Held) bool {
        return h.failure == 0 and h.count < h.target;
    }

    fn live(h: *const Held) bool {
        return h.failure == 0 and h.target > 0;
    }

    fn push(h: *Held, fd: i32) void {
        h.fds[(h.head + h.count) % max] = fd;
        h.count += 1;
    }

    fn pop(h: *Held) i32 {
        const fd = h.fds[h.head];
        h.head = (h.head + 1) % max;
        h.count -= 1;
        return fd;
    }

    fn fail(h: *Held, rc: i32) void {
        if (h.failure == 0) h.failure = rc;
    }
};

var lock_word: u32 = 0;
var held: [2]Held = .{ .{}, .{} };
/// Whether a thread runs (or was started) to fill the pool; false once it has decided to end.
var running = false;
/// Bumped by every fill and drain; the thread sleeps on it.
var wake_word: u32 = 0;
var slot: thread.Slot = .{};

fn of(kind: Kind) *Held {
    return &held[@intFromEnum(kind)];
}

fn lock() void {
    while (@cmpxchgWeak(u32, &lock_word, 0, 1, .acquire, .monotonic) != null) _ = linux.syscall0(.sched_yield);
}

fn unlock() void {
    @atomicStore(u32, &lock_word, 0, .release);
}

fn close(fd: usize) void {
    _ = linux.syscall1(.close, fd);
}

/// Under the lock: tell the thread something changed.
fn bump() void {
    @atomicStore(u32, &wake_word, wake_word +% 1, .release);
}

fn wake() void {
    _ = linux.syscall3(.futex, @intFromPtr(&wake_word), futex_wake_private, 1);
}

/// Under the lock: a failure that stops both kinds.
fn failAll(rc: i32) void {
    for (&held) |*h| h.fail(rc);
}

/// Under the lock: the kind to make next (the short one holding fewer; plain on a tie), or null.
fn next() ?Kind {
    const p = of(.plain);
    const u = of(.loopback_up);
    if (p.short() and (!u.short() or p.count <= u.count)) return .plain;
    if (u.short()) return .loopback_up;
    return null;
}

/// The namespace fd of the calling thread's current network namespace.
fn openOwn() usize {
    return linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr("/proc/thread-self/ns/net"), uapi.o_rdonly | uapi.o_cloexec, 0);
}

/// What one attempt gave: the fd or a raw error, and what an error stops.
const Made = struct {
    rc: usize,
    /// The way back failed: the thread is not where it belongs and must make nothing more.
    stranded: bool = false,
    /// Only lo was refused: the loopback-up kind stops, plain ones are still made.
    lo_refused: bool = false,
};

/// One new namespace of `kind`, this thread back in `home` afterwards.
fn makeOne(home: usize, kind: Kind) Made {
    const rc = linux.syscall1(.unshare, uapi.clone_newnet);
    if (sys.isError(rc)) return .{ .rc = rc };
    // Inside the new namespace, before anyone can join it.
    const up: usize = if (kind == .loopback_up) loopback.up() else 0;
    const fd = openOwn();
    const back = linux.syscall2(.setns, home, uapi.clone_newnet);
    if (sys.isError(back)) {
        if (!sys.isError(fd)) close(fd);
        return .{ .rc = back, .stranded = true };
    }
    if (sys.isError(up)) {
        if (!sys.isError(fd)) close(fd);
        return .{ .rc = up, .lo_refused = true };
    }
    return .{ .rc = fd };
}

fn run(_: usize) callconv(.c) u8 {
    const home = openOwn();
    while (true) {
        lock();
        if (sys.isError(home)) failAll(sys.status(home));
        if (!of(.plain).live() and !of(.loopback_up).live()) {
            running = false;
            unlock();
            break;
        }
        const seen = wake_word;
        const want = next();
        unlock();
        const kind = want orelse {
            // Until fill or drain changes something.
            _ = linux.syscall4(.futex, @intFromPtr(&wake_word), futex_wait_private, seen, 0);
            continue;
        };
        const made = makeOne(home, kind);
        const h = of(kind);
        lock();
        if (sys.isError(made.rc)) {
            if (made.lo_refused) h.fail(sys.status(made.rc)) else failAll(sys.status(made.rc));
        } else if (h.count < h.target) {
            h.push(@intCast(made.rc));
        } else close(made.rc); // drained or lowered meanwhile
        if (made.stranded) running = false;
        unlock();
        if (made.stranded) break; // in the wrong namespace: this thread ends now
    }
    if (!sys.isError(home)) close(home);
    return 0;
}

/// Holds up to `n` (clamped) of `kind` and starts the thread when none runs. 0, or the kind's kept failure.
pub fn fill(kind: Kind, n: u32) i32 {
    const h = of(kind);
    lock();
    if (h.failure != 0) {
        const f = h.failure;
        unlock();
        return f;
    }
    h.target = @min(n, max);
    const start = h.target > 0 and !running;
    if (start) running = true;
    bump();
    unlock();
    if (!start) {
        wake();
        return 0;
    }
    // A thread that decided to end may still be on the slot's stack.
    slot.join();
    const rc = slot.start(&run, 0);
    if (rc < 0) {
        lock();
        running = false;
        failAll(rc);
        unlock();
        return rc;
    }
    return 0;
}

/// One held fd of `kind` (the caller's now), or -EAGAIN / the kind's kept
/// failure. The thread is not woken: a namespace made while the caller's
/// spawn is being made (~0.3 ms of kernel work, measured) delays that spawn
/// about as much as CLONE_NEWNET would. The caller's fill after its spawn
/// call refills.
pub fn take(kind: Kind) i32 {
    const h = of(kind);
    lock();
    var rc: i32 = if (h.failure != 0) h.failure else eagain;
    if (h.count > 0) rc = h.pop();
    unlock();
    return rc;
}

/// Every target 0 and every held fd of both kinds closed; waits for the
/// thread to end unless a fill asks for more meanwhile.
pub fn drain() i32 {
    var mine: [2 * max]i32 = undefined;
    var n: usize = 0;
    lock();
    for (&held) |*h| {
        h.target = 0;
        while (h.count > 0) : (n += 1) mine[n] = h.pop();
    }
    bump();
    unlock();
    wake();
    for (mine[0..n]) |fd| close(@as(u32, @bitCast(fd)));
    while (true) {
        lock();
        const again = of(.plain).target != 0 or of(.loopback_up).target != 0;
        unlock();
        const tid = @atomicLoad(i32, &slot.alive, .acquire);
        if (again or tid == 0) return 0;
        // The kernel wakes this word at the thread's exit; a fill meanwhile is seen within a millisecond.
        const ms: linux.kernel_timespec = .{ .sec = 0, .nsec = 1_000_000 };
        _ = linux.syscall4(.futex, @intFromPtr(&slot.alive), 0, @as(u32, @bitCast(tid)), @intFromPtr(&ms));
    }
}

/// The inode of a namespace fd (its identity within nsfs).
fn inode(fd: usize) u64 {
    var st: linux.Statx = undefined;
    const rc = linux.statx(@intCast(fd), "", linux.AT.EMPTY_PATH, .{ .INO = true }, &st);
    return if (sys.isError(rc)) 0 else st.ino;
}

/// Waits (up to ~2 s) for one namespace of `kind`: its fd, or a failure other than -EAGAIN, or -EAGAIN after 2 s.
fn takeWaiting(kind: Kind) i32 {
    var fd: i32 = eagain;
    var tries: usize = 0;
    while (fd == eagain and tries < 2000) : (tries += 1) {
        fd = take(kind);
        if (fd == eagain) _ = linux.syscall2(.nanosleep, @intFromPtr(&linux.kernel_timespec{ .sec = 0, .nsec = 1_000_000 }), 0);
    }
    return fd;
}

/// Whether lo is up in the namespace of `fd`, read from inside it (this
/// thread joins it for one SIOCGIFFLAGS, then comes back).
fn loIsUp(fd: i32) !bool {
    const home = openOwn();
    try std.testing.expect(!sys.isError(home));
    defer close(home);
    try std.testing.expectEqual(@as(usize, 0), linux.syscall2(.setns, @as(u32, @bitCast(fd)), uapi.clone_newnet));
    defer std.debug.assert(linux.syscall2(.setns, home, uapi.clone_newnet) == 0);
    const flags = loopback.flags();
    try std.testing.expect(!sys.isError(flags));
    return flags & 1 != 0; // IFF_UP
}

/// A new network namespace, not this thread's own (NS_GET_NSTYPE, inode).
fn expectFresh(fd: i32) !void {
    const own = openOwn();
    try std.testing.expect(!sys.isError(own));
    defer close(own);
    const ino = inode(@as(u32, @bitCast(fd)));
    try std.testing.expect(ino != 0 and ino != inode(own));
    try std.testing.expectEqual(@as(usize, uapi.clone_newnet), linux.syscall2(.ioctl, @as(u32, @bitCast(fd)), 0xb703));
}

test "kinds: plain and loopback-up are known, any other number is not" {
    try std.testing.expectEqual(@as(?Kind, .plain), kindOf(cordon_h.CORDON_NETNS_POOL_PLAIN));
    try std.testing.expectEqual(@as(?Kind, .loopback_up), kindOf(cordon_h.CORDON_NETNS_POOL_LOOPBACK_UP));
    try std.testing.expectEqual(@as(?Kind, null), kindOf(2));
    try std.testing.expectEqual(@as(?Kind, null), kindOf(0xffff_ffff));
}

test "without CAP_SYS_ADMIN nothing is made and the failure is kept; with it, each fd is a new network namespace with lo down, none of the loopback-up kind made unasked, none held after drain" {
    try std.testing.expectEqual(@as(u32, 0), of(.plain).count);
    const rc = fill(.plain, 2);
    if (rc < 0) {
        try std.testing.expectEqual(rc, take(.plain));
        return;
    }
    const fd = takeWaiting(.plain);
    if (fd < 0) {
        // EPERM and the like: kept, and returned by the next calls too.
        try std.testing.expect(fd != eagain);
        try std.testing.expectEqual(fd, fill(.plain, 2));
        return;
    }
    defer close(@as(u32, @bitCast(fd)));
    try expectFresh(fd);
    try std.testing.expect(!try loIsUp(fd));
    // The other one of the target: plain too; nothing of the other kind, which nobody asked for.
    const second = takeWaiting(.plain);
    try std.testing.expect(second >= 0);
    defer close(@as(u32, @bitCast(second)));
    try std.testing.expect(inode(@as(u32, @bitCast(second))) != inode(@as(u32, @bitCast(fd))));
    try std.testing.expect(!try loIsUp(second));
    try std.testing.expectEqual(eagain, take(.loopback_up));
    try std.testing.expectEqual(@as(u32, 0), of(.loopback_up).count);
    try std.testing.expectEqual(@as(i32, 0), drain());
    try std.testing.expectEqual(@as(u32, 0), of(.plain).count);
    try std.testing.expect(!slot.busy());
}

test "loopback-up namespaces: lo up in each, each a different new one, made beside plain ones (plain still lo down); drain closes both kinds" {
    const rc = fill(.loopback_up, 2);
    if (rc < 0) {
        try std.testing.expectEqual(rc, take(.loopback_up));
        return;
    }
    try std.testing.expectEqual(@as(i32, 0), fill(.plain, 1));
    const a = takeWaiting(.loopback_up);
    if (a < 0) {
        try std.testing.expect(a != eagain);
        try std.testing.expectEqual(a, fill(.loopback_up, 2));
        try std.testing.expectEqual(@as(i32, 0), drain());
        return;
    }
    defer close(@as(u32, @bitCast(a)));
    const b = takeWaiting(.loopback_up);
    try std.testing.expect(b >= 0);
    defer close(@as(u32, @bitCast(b)));
    const p = takeWaiting(.plain);
    try std.testing.expect(p >= 0);
    defer close(@as(u32, @bitCast(p)));
    for ([_]i32{ a, b, p }) |fd| try expectFresh(fd);
    try std.testing.expect(inode(@as(u32, @bitCast(a))) != inode(@as(u32, @bitCast(b))));
    try std.testing.expect(inode(@as(u32, @bitCast(a))) != inode(@as(u32, @bitCast(p))));
    try std.testing.expect(try loIsUp(a));
    try std.testing.expect(try loIsUp(b));
    try std.testing.expect(!try loIsUp(p));
    // Refilled once the caller fills again (take never wakes the thread): wait until both kinds hold again, then drain them all.
    try std.testing.expectEqual(@as(i32, 0), fill(.loopback_up, 2));
    try std.testing.expectEqual(@as(i32, 0), fill(.plain, 1));
    var tries: usize = 0;
    while ((of(.loopback_up).count < 2 or of(.plain).count < 1) and tries < 2000) : (tries += 1)
        _ = linux.syscall2(.nanosleep, @intFromPtr(&linux.kernel_timespec{ .sec = 0, .nsec = 1_000_000 }), 0);
    try std.testing.expectEqual(@as(u32, 2), of(.loopback_up).count);
    try std.testing.expectEqual(@as(i32, 0), drain());
    try std.testing.expectEqual(@as(u32, 0), of(.plain).count);
    try std.testing.expectEqual(@as(u32, 0), of(.loopback_up).count);
    try std.testing.expectEqual(eagain, take(.loopback_up));
    try std.testing.expectEqual(eagain, take(.plain));
    try std.testing.expect(!slot.busy());
}
