//! Fresh network namespaces made ahead of the spawns that join them
//! (cordon_linux_netns_pool.h). A new network namespace costs the kernel
//! ~0.35 ms (setup_net), paid inside clone3 on the spawning thread, Bun's
//! JS thread; joining one made earlier costs a setns. One native thread of
//! cordon's own makes them: unshare(CLONE_NEWNET) moves only that thread,
//! which keeps an fd of the namespace and joins the process's own again.
//! Raw syscalls only, no TLS; the held fds are guarded by a spinlock (take
//! may come from any of Bun's JS threads at once).
const std = @import("std");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const thread = @import("thread.zig");
const cordon_h = @import("../header.zig").c;
const linux = sys.linux;

pub const max: u32 = cordon_h.CORDON_NETNS_POOL_MAX;

const futex_wait_private: usize = 128;
const futex_wake_private: usize = 129;
const eagain: i32 = -uapi.e.AGAIN;

var lock_word: u32 = 0;
/// A ring: the oldest namespace is taken first.
var held: [max]i32 = undefined;
var head: u32 = 0;
var count: u32 = 0;
var target: u32 = 0;
/// The first failure (-errno), kept for the process's life: nothing more is made.
var failure: i32 = 0;
/// Whether a thread runs (or was started) to fill the pool; false once it has decided to end.
var running = false;
/// Bumped by every fill and drain; the thread sleeps on it.
var wake_word: u32 = 0;
var slot: thread.Slot = .{};

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

/// The namespace fd of the calling thread's current network namespace.
fn openOwn() usize {
    return linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr("/proc/thread-self/ns/net"), uapi.o_rdonly | uapi.o_cloexec, 0);
}

/// One new namespace, this thread back in `home` afterwards: the fd, or a raw
/// error. `stranded` is set when the way back failed: the thread is not where
/// it belongs and must make nothing more.
fn makeOne(home: usize, stranded: *bool) usize {
    const rc = linux.syscall1(.unshare, uapi.clone_newnet);
    if (sys.isError(rc)) return rc;
    const fd = openOwn();
    const back = linux.syscall2(.setns, home, uapi.clone_newnet);
    if (sys.isError(back)) {
        stranded.* = true;
        if (!sys.isError(fd)) close(fd);
        return back;
    }
    return fd;
}

fn run(_: usize) callconv(.c) u8 {
    const home = openOwn();
    var stranded = false;
    while (true) {
        lock();
        if (sys.isError(home) and failure == 0) failure = sys.status(home);
        if (target == 0 or failure != 0) {
            running = false;
            unlock();
            break;
        }
        const seen = wake_word;
        const want = count < target;
        unlock();
        if (!want) {
            // Until fill or drain changes something.
            _ = linux.syscall4(.futex, @intFromPtr(&wake_word), futex_wait_private, seen, 0);
            continue;
        }
        const fd = makeOne(home, &stranded);
        lock();
        if (sys.isError(fd)) {
            if (failure == 0) failure = sys.status(fd);
        } else if (count < target) {
            held[(head + count) % max] = @intCast(fd);
            count += 1;
        } else close(fd); // drained or lowered meanwhile
        if (stranded) running = false;
        unlock();
        if (stranded) break; // in the wrong namespace: this thread ends now
    }
    if (!sys.isError(home)) close(home);
    return 0;
}

/// Holds up to `n` (clamped) and starts the thread when none runs. 0, or the kept failure.
pub fn fill(n: u32) i32 {
    lock();
    if (failure != 0) {
        const f = failure;
        unlock();
        return f;
    }
    target = @min(n, max);
    const start = target > 0 and !running;
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
        if (failure == 0) failure = rc;
        unlock();
        return rc;
    }
    return 0;
}

/// One held fd (the caller's now), or -EAGAIN / the kept failure. The thread
/// is not woken: a namespace made while the caller's spawn is being made
/// (~0.3 ms of kernel work, measured) delays that spawn about as much as
/// CLONE_NEWNET would. The caller's fill after its spawn call refills.
pub fn take() i32 {
    lock();
    var rc: i32 = if (failure != 0) failure else eagain;
    if (count > 0) {
        rc = held[head];
        head = (head + 1) % max;
        count -= 1;
    }
    unlock();
    return rc;
}

/// Target 0 and every held fd closed; waits for the thread to end unless a
/// fill asks for more meanwhile.
pub fn drain() i32 {
    var mine: [max]i32 = undefined;
    lock();
    target = 0;
    const n = count;
    for (0..n) |i| mine[i] = held[(head + i) % max];
    count = 0;
    bump();
    unlock();
    wake();
    for (mine[0..n]) |fd| close(@as(u32, @bitCast(fd)));
    while (true) {
        lock();
        const again = target != 0;
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

test "without CAP_SYS_ADMIN nothing is made and the failure is kept; with it, each fd is a new network namespace, none held after drain" {
    try std.testing.expectEqual(@as(u32, 0), count);
    const rc = fill(2);
    if (rc < 0) {
        try std.testing.expectEqual(rc, take());
        return;
    }
    // Wait (up to ~2 s) for two.
    var fd: i32 = eagain;
    var tries: usize = 0;
    while (fd == eagain and tries < 2000) : (tries += 1) {
        fd = take();
        if (fd == eagain) _ = linux.syscall2(.nanosleep, @intFromPtr(&linux.kernel_timespec{ .sec = 0, .nsec = 1_000_000 }), 0);
    }
    if (fd < 0) {
        // EPERM and the like: kept, and returned by the next calls too.
        try std.testing.expect(fd != eagain);
        try std.testing.expectEqual(fd, fill(2));
        return;
    }
    defer close(@as(u32, @bitCast(fd)));
    const own = openOwn();
    try std.testing.expect(!sys.isError(own));
    defer close(own);
    const ino = inode(@as(u32, @bitCast(fd)));
    try std.testing.expect(ino != 0 and ino != inode(own));
    // NS_GET_NSTYPE: a network namespace.
    try std.testing.expectEqual(@as(usize, uapi.clone_newnet), linux.syscall2(.ioctl, @as(u32, @bitCast(fd)), 0xb703));
    try std.testing.expectEqual(@as(i32, 0), drain());
    try std.testing.expectEqual(@as(u32, 0), count);
    try std.testing.expect(!slot.busy());
}
