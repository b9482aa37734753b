//! Parent side of a spawn: check the record, clone3 a CLONE_VM|CLONE_VFORK
//! child on a private stack (no copy of Bun's page tables), and collect the
//! child's outcome from shared memory once it has exec'd or died.
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;
const clone3 = @import("clone3.zig");
const spec_mod = @import("spawn_spec.zig");
const child = @import("spawn_child.zig");
const mnt_hold = @import("mnt_hold.zig");
const cgroup_fds = @import("cgroup_fds.zig");
const waiter = @import("waiter.zig");

/// __WALL: wait for the child whatever its exit signal.
const stack_size: usize = 64 * 1024;

/// The child's stack and pointer arrays. One mapping is kept between spawns:
/// a serial spawner then skips the mmap, the page faults of a fresh stack and
/// the munmap (a TLB shootdown across all of Bun's threads). The vfork child
/// is done with it once clone3 returns (it exec'd or exited), so the next
/// spawn may reuse it. A spawn that finds it taken (another thread, e.g. a
/// Worker, is spawning) maps memory of its own.
const Scratch = struct {
    base: usize,
    size: usize,
    cached: bool,

    var cached_base: usize = 0;
    var cached_size: usize = 0;
    var busy = false;

    fn map(size: usize) usize {
        return linux.syscall6(.mmap, 0, size, 0x3, 0x22 | 0x20000, @bitCast(@as(isize, -1)), 0); // RW, PRIVATE|ANON|STACK
    }

    /// `base` is -errno as usize when no memory could be mapped.
    fn take(size: usize) Scratch {
        if (@cmpxchgStrong(bool, &busy, false, true, .acquire, .monotonic) != null)
            return .{ .base = map(size), .size = size, .cached = false };
        if (cached_size < size) {
            if (cached_size != 0) _ = linux.syscall2(.munmap, cached_base, cached_size);
            cached_size = 0;
            const base = map(size);
            if (sys.isError(base)) {
                @atomicStore(bool, &busy, false, .release);
                return .{ .base = base, .size = size, .cached = false };
            }
            cached_base = base;
            cached_size = size;
        }
        return .{ .base = cached_base, .size = cached_size, .cached = true };
    }

    fn release(m: Scratch) void {
        if (m.cached) @atomicStore(bool, &busy, false, .release) else _ = linux.syscall2(.munmap, m.base, m.size);
    }
};

/// Spawns from a checked record. Returns the pid (out_pidfd holds the pidfd),
/// or a negative status with out_step naming the step that failed.
pub fn spawn(buf: []u8) abi.Status {
    var c = spec_mod.check(buf) catch |e| return abi.failureStatus(e);
    const spec = &c.spec;
    const out = c.out;
    out.out_pid = -1;
    out.out_pidfd = -1;
    out.out_step = @intFromEnum(spec_mod.Step.clone3);
    out.out_errno = spec_mod.errno_pending;

    // The child writes to these while this thread waits for it: refuse any
    // that could block before there is a child.
    const fds_ok = checkCgroupFds(&c);
    if (sys.isError(fds_ok)) {
        out.out_step = @intFromEnum(spec_mod.Step.cgroup_procs);
        out.out_errno = -sys.status(fds_ok);
        return sys.status(fds_ok);
    }

    // One mapping: the child's stack, then the argv/envp pointer arrays.
    const ptr_bytes = (spec_mod.pointerBytes(spec) + 4095) & ~@as(usize, 4095);
    const mem = Scratch.take(stack_size + ptr_bytes);
    if (sys.isError(mem.base)) return sys.status(mem.base);
    defer mem.release();
    const stack = mem.base;
    spec_mod.fillPointers(&c, buf, @ptrFromInt(stack + stack_size)) catch |e| return abi.failureStatus(e);

    var flags = uapi.clone_vm | uapi.clone_vfork | uapi.clone_pidfd | spec.clone_flags;
    if (spec.cgroup_fd >= 0) flags |= uapi.clone_into_cgroup;
    var args: clone3.CloneArgs = .{
        .flags = flags,
        .pidfd = @intFromPtr(&out.out_pidfd),
        // SIGCHLD as for any child: execve resets a child's exit signal to
        // SIGCHLD anyway. (A Bun that inherited SIGCHLD=SIG_IGN has its
        // children reaped by the kernel: their status is lost, for Bun.spawn too.)
        .exit_signal = uapi.sigchld,
        .stack = stack,
        .stack_size = stack_size,
        .cgroup = if (spec.cgroup_fd >= 0) @intCast(spec.cgroup_fd) else 0,
    };

    if (spec.clone_flags & uapi.clone_newpid != 0) c.parent_pidfd = parentPidfd();
    defer if (c.parent_pidfd >= 0) {
        _ = linux.syscall1(.close, @as(u32, @bitCast(c.parent_pidfd)));
    };

    // Nothing may be delivered to the child while it still runs Bun's handlers
    // on shared memory: block everything across clone3, restore afterwards.
    const all: u64 = ~@as(u64, 0);
    var old: u64 = 0;
    _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&all), @intFromPtr(&old), 8);
    var rc = clone3.cordon_clone3(&args, @sizeOf(clone3.CloneArgs), &child.main, @intFromPtr(&c));
    if (sys.status(rc) == -uapi.e.NOSYS) { // a seccomp profile that wants the legacy clone
        c.join_cgroup = spec.cgroup_fd >= 0;
        const legacy = uapi.clone_vm | uapi.clone_vfork | uapi.clone_pidfd | spec.clone_flags | uapi.sigchld;
        rc = clone3.cordon_clone(@intCast(legacy), stack + stack_size, &out.out_pidfd, &child.main, @intFromPtr(&c));
    }
    _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&old), 0, 8);

    if (sys.isError(rc)) {
        out.out_errno = -sys.status(rc);
        return sys.status(rc);
    }
    const errno = @atomicLoad(i32, &out.out_errno, .acquire);
    if (errno == 0) {
        out.out_pid = @intCast(rc);
        // The child has exec'd and may already be on its way out: hold its
        // mount namespace now, so its teardown waits for the exit record.
        if (spec.clone_flags & uapi.clone_newns != 0) mnt_hold.keep(out.out_pidfd, out.out_pid);
        return @intCast(rc);
    }
    // The child failed before execve and has exited (vfork returned): reap it.
    var info: [128]u8 = @splat(0);
    _ = linux.syscall5(.waitid, uapi.p_pidfd, @as(u32, @bitCast(out.out_pidfd)), @intFromPtr(&info), uapi.wexited | uapi.wall, 0);
    _ = linux.syscall1(.close, @as(u32, @bitCast(out.out_pidfd)));
    out.out_pidfd = -1;
    if (errno == spec_mod.errno_pending) return abi.Error.child_died.status();
    return -errno;
}

fn checkCgroupFds(c: *const spec_mod.Checked) usize {
    if (c.spec.cgroup_fd >= 0) {
        const rc = cgroup_fds.checkDir(c.spec.cgroup_fd);
        if (sys.isError(rc)) return rc;
    }
    for (c.items(i32, c.spec.procs_off, c.spec.procs_count)) |fd| {
        const rc = cgroup_fds.checkProcs(fd);
        if (sys.isError(rc)) return rc;
    }
    return 0;
}

/// PIDFD_THREAD (6.9): a pidfd of this thread, readable once it has exited:
/// the thread whose exit sends PR_SET_PDEATHSIG. Older kernels: the process.
/// -1 when there are no pidfds (the child then cannot check; its signal still
/// comes unless the parent died within the child's first instructions).
fn parentPidfd() i32 {
    const pidfd_thread: usize = 0o200; // O_EXCL
    var rc = linux.syscall2(.pidfd_open, linux.syscall0(.gettid), pidfd_thread);
    if (sys.isError(rc)) rc = linux.syscall2(.pidfd_open, linux.syscall0(.getpid), 0);
    return if (sys.isError(rc)) -1 else @intCast(rc);
}

/// SIGKILL, reap (blocking: the child is dying) and close a pidfd, and the
/// child's mount namespace handle with it.
pub fn reap(pidfd: i32) abi.Status {
    const fd: u32 = @bitCast(pidfd);
    _ = linux.syscall4(.pidfd_send_signal, fd, 9, 0, 0);
    var info: [128]u8 = @splat(0);
    const rc = linux.syscall5(.waitid, uapi.p_pidfd, fd, @intFromPtr(&info), uapi.wexited | uapi.wall, 0);
    mnt_hold.close(mnt_hold.take(fd));
    waiter.forget(pidfd); // watched or not: no record is owed now
    _ = linux.syscall1(.close, fd);
    // ECHILD: the kernel reaped it already (SIGCHLD ignored): gone all the same.
    return if (sys.status(rc) == -uapi.e.CHILD) 0 else sys.status(rc);
}
