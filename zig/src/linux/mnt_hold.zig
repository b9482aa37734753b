//! A handle on a spawned child's mount namespace, held from clone3 until its
//! exit has been reported. The last task to leave a mount namespace tears it
//! down inside its own exit (every mount unmounted, a private root's tmpfs
//! shut down, an RCU grace period), before its parent can learn of the exit.
//! With a handle held here, the exit is reported first and the teardown runs
//! when the handle is closed: on the exit watcher's thread, after the record.
//!
//! Handles are kept by pidfd number. A pidfd from cordon_linux_spawn stays
//! open until its exit record has been written (or until
//! cordon_linux_pidfd_reap, which releases the handle itself), so one number
//! names one child for as long as its entry lives. Missing a handle only
//! loses the speed-up: the namespace then goes with the child, as without.
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

/// PIDFD_GET_MNT_NAMESPACE, _IO(PIDFS_IOCTL_MAGIC 0xFF, 3) (linux/pidfd.h,
/// Linux 6.11). The kernel opens the namespace O_CLOEXEC.
const pidfd_get_mnt_namespace: usize = 0xFF03;

/// Pidfd numbers with an entry; a child whose pidfd is beyond goes unheld.
const slots: usize = 1 << 20;
/// u32[slots]: handle + 1, or 0 for none. Mapped on first use, never unmapped;
/// untouched pages cost nothing.
var table: usize = 0;

fn entries() ?[*]u32 {
    var t = @atomicLoad(usize, &table, .acquire);
    if (t == 0) {
        const mem = linux.syscall6(.mmap, 0, slots * 4, 0x3, 0x22 | uapi.map_noreserve, @bitCast(@as(isize, -1)), 0); // RW, PRIVATE|ANON
        if (sys.isError(mem)) return null;
        if (@cmpxchgStrong(usize, &table, 0, mem, .acq_rel, .acquire)) |other| {
            _ = linux.syscall2(.munmap, mem, slots * 4); // another thread mapped it first
            t = other;
        } else t = mem;
    }
    return @ptrFromInt(t);
}

/// Opens a handle on the mount namespace of the child behind `pidfd`
/// (pid `pid`) and keeps it under the pidfd's number. Called right after
/// clone3, in the parent: the handle is never in the child's fd table.
pub fn keep(pidfd: i32, pid: i32) void {
    if (pidfd < 0 or @as(usize, @intCast(pidfd)) >= slots) return;
    const t = entries() orelse return;
    var rc = linux.syscall3(.ioctl, @as(u32, @bitCast(pidfd)), pidfd_get_mnt_namespace, 0);
    if (sys.isError(rc)) rc = viaProc(pidfd, pid);
    if (sys.isError(rc)) return; // the child is already gone, or no way to name its namespace
    const old = @atomicRmw(u32, &t[@intCast(pidfd)], .Xchg, @as(u32, @intCast(rc)) + 1, .acq_rel);
    // Only a caller that closed a pidfd against the contract leaves one behind.
    if (old != 0) _ = linux.syscall1(.close, old - 1);
}

/// Kernels before 6.11: /proc/<pid>/ns/mnt, checked against the pidfd after
/// the open (a pid that was still ours then was not yet recycled).
fn viaProc(pidfd: i32, pid: i32) usize {
    var path: [32:0]u8 = @splat(0);
    const prefix = "/proc/";
    const suffix = "/ns/mnt";
    @memcpy(path[0..prefix.len], prefix);
    var digits: [10]u8 = undefined;
    var n: usize = 0;
    var v: u32 = @bitCast(pid);
    while (true) {
        digits[n] = '0' + @as(u8, @intCast(v % 10));
        n += 1;
        v /= 10;
        if (v == 0) break;
    }
    for (0..n) |i| path[prefix.len + i] = digits[n - 1 - i];
    @memcpy(path[prefix.len + n ..][0..suffix.len], suffix);
    const fd = linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr(&path), uapi.o_cloexec, 0); // O_RDONLY
    if (sys.isError(fd)) return fd;
    const alive = linux.syscall4(.pidfd_send_signal, @as(u32, @bitCast(pidfd)), 0, 0, 0);
    if (sys.isError(alive)) {
        _ = linux.syscall1(.close, fd);
        return alive;
    }
    return fd;
}

/// Takes the handle kept for `pidfd` out of the table: -1 when there is none.
/// The caller closes it (`close`) — after the exit record, where the speed-up
/// is wanted. Must run before the pidfd is closed, so the number is still ours.
pub fn take(pidfd: u32) i32 {
    if (pidfd >= slots) return -1;
    const addr = @atomicLoad(usize, &table, .acquire);
    if (addr == 0) return -1;
    const t: [*]u32 = @ptrFromInt(addr);
    const h = @atomicRmw(u32, &t[pidfd], .Xchg, 0, .acq_rel);
    return @as(i32, @bitCast(h)) - 1;
}

/// Closes a handle from `take`; the namespace is torn down here if the child
/// was its last user.
pub fn close(handle: i32) void {
    if (handle >= 0) _ = linux.syscall1(.close, @as(u32, @bitCast(handle)));
}
