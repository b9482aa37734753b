//! The child between clone3 and execve. It shares the parent's memory
//! (CLONE_VM|CLONE_VFORK) and runs on its own stack, so it allocates nothing,
//! touches no TLS, calls no libc and only reads the checked spec. Each step
//! records itself in out_step; a failure stores errno and exits 127.
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const landlock_mod = @import("landlock.zig");
const linux = sys.linux;
const spec_mod = @import("spawn_spec.zig");
const Step = spec_mod.Step;
const Spec = spec_mod.Spec;
const Flags = spec_mod.Flags;
const private_root = @import("private_root.zig");
const clone3 = @import("clone3.zig");
const netns_setup = @import("netns_setup.zig");
const loopback = @import("loopback.zig");

const pollin: i16 = 1;
const seccomp_set_mode_filter: usize = 1;


/// struct sock_fprog.
const SockFprog = extern struct { len: u16, filter: usize };

fn fail(out: *Spec, rc: usize) noreturn {
    @atomicStore(i32, &out.out_errno, -sys.status(rc), .release);
    linux.exit_group(127);
}

/// Runs a raw syscall result through the step bookkeeping.
inline fn must(out: *Spec, rc: usize) void {
    if (sys.isError(rc)) fail(out, rc);
}

fn writeAll(fd: usize, text: [*:0]const u8) usize {
    var n: usize = 0;
    while (text[n] != 0) n += 1;
    return linux.syscall3(.write, fd, @intFromPtr(text), n);
}

/// Writes `text` into a /proc/self file (uid_map, gid_map, setgroups).
fn writeProcFile(path: [*:0]const u8, text: [*:0]const u8) usize {
    const fd = linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr(path), uapi.o_wronly | uapi.o_cloexec, 0);
    if (sys.isError(fd)) return fd;
    const rc = writeAll(fd, text);
    _ = linux.syscall1(.close, fd);
    return rc;
}

/// Whether the parent is gone, so that a PR_SET_PDEATHSIG set just now will
/// never fire. In the parent's pid namespace getppid() tells (it changes once
/// the child is reparented); from a new one it reads 0, and the spawning
/// thread's pidfd (opened before clone) tells instead.
fn parentGone(c: *const spec_mod.Checked) bool {
    if (c.spec.clone_flags & uapi.clone_newpid == 0)
        return @as(i32, @intCast(linux.syscall0(.getppid))) != c.spec.parent_pid;
    if (c.parent_pidfd < 0) return false;
    var pfd: linux.pollfd = .{ .fd = c.parent_pidfd, .events = pollin, .revents = 0 };
    const now: linux.kernel_timespec = .{ .sec = 0, .nsec = 0 };
    const rc = linux.syscall5(.ppoll, @intFromPtr(&pfd), 1, @intFromPtr(&now), 0, 8);
    return !sys.isError(rc) and rc > 0;
}

pub fn main(arg: usize) callconv(.c) u8 {
    const c: *const spec_mod.Checked = @ptrFromInt(arg);
    const spec = &c.spec;
    const out = c.out;
    const zero_set: u64 = 0;

    // First of all, die with the parent: Bun's thread waits for this child
    // (vfork), and a step that blocks must not outlive Bun. SIGKILL whatever
    // the caller asked for the command (its signal is set below, once the
    // ids are final); a parent that died before this line is caught after it.
    _ = linux.syscall2(.prctl, uapi.pr_set_pdeathsig, uapi.sigkill);
    if (parentGone(c)) linux.exit_group(127);

    // Signal dispositions are copied from Bun: back to default before anything
    // can be delivered here (the mask stays fully blocked until execve).
    out.out_step = @intFromEnum(Step.signals);
    var dfl = [_]u64{ 0, 0, 0, 0 };
    var sig: usize = 1;
    while (sig <= 64) : (sig += 1) {
        if (sig == 9 or sig == 19 or sig == 32 or sig == 33) continue; // KILL, STOP, libc-internal
        _ = linux.syscall4(.rt_sigaction, sig, @intFromPtr(&dfl), 0, 8);
    }

    if (spec.flags & Flags.setsid != 0) {
        out.out_step = @intFromEnum(Step.setsid);
        must(out, linux.syscall0(.setsid));
    }

    // cgroup v1 hierarchies: writing "0" to cgroup.procs moves the writer.
    out.out_step = @intFromEnum(Step.cgroup_procs);
    for (c.items(i32, spec.procs_off, spec.procs_count)) |fd| {
        must(out, linux.syscall3(.write, @as(u32, @bitCast(fd)), @intFromPtr("0"), 1));
    }
    if (c.join_cgroup) { // legacy clone: no CLONE_INTO_CGROUP, so join the cgroup2 dir by hand
        const fd = linux.syscall4(.openat, @as(u32, @bitCast(spec.cgroup_fd)), @intFromPtr("cgroup.procs"), uapi.o_wronly | uapi.o_cloexec, 0);
        must(out, fd);
        must(out, linux.syscall3(.write, fd, @intFromPtr("0"), 1));
        _ = linux.syscall1(.close, fd);
    }

    // A network namespace made ahead (netns_pool.zig) instead of CLONE_NEWNET,
    // joined before anything else is set up in it. setns with CLONE_NEWNET
    // refuses any fd but a network namespace's (EINVAL): the spawn stops
    // rather than run in the caller's namespace. The fd stays close-on-exec.
    if (spec.flags & Flags.join_netns != 0) {
        out.out_step = @intFromEnum(Step.join_netns);
        // setns into the namespace already held succeeds: an fd naming the caller's own (a number mixed up) must not pass for a new one.
        if (sameNamespace(@as(u32, @bitCast(spec.netns_fd)), "/proc/self/ns/net")) fail(out, @bitCast(@as(isize, -uapi.e.INVAL)));
        must(out, linux.syscall2(.setns, @as(u32, @bitCast(spec.netns_fd)), uapi.clone_newnet));
    }

    if (spec.clone_flags & uapi.clone_newuser != 0) {
        out.out_step = @intFromEnum(Step.id_maps);
        const r = writeProcFile("/proc/self/setgroups", "deny");
        if (sys.isError(r) and sys.status(r) != -uapi.e.NOENT) fail(out, r); // absent on old kernels
        must(out, writeProcFile("/proc/self/uid_map", c.str(spec.uid_map_off)));
        must(out, writeProcFile("/proc/self/gid_map", c.str(spec.gid_map_off)));
    }

    // /dev/null for the slots that ask for it, from the caller's root (a
    // private root need not hold it): one read-write open serves them all.
    const fds = c.items(spec_mod.FdMap, spec.fds_off, spec.fds_count);
    var dev_null: usize = 0;
    for (fds) |m| {
        if (m.parent != spec_mod.dev_null) continue;
        out.out_step = @intFromEnum(Step.fds);
        dev_null = linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr("/dev/null"), uapi.o_rdwr | uapi.o_cloexec, 0);
        must(out, dev_null);
        break;
    }

    if (spec.flags & Flags.private_root != 0) {
        out.out_step = @intFromEnum(Step.private_root);
        must(out, private_root.build(c, c.items(spec_mod.ViewEntry, spec.view_off, spec.view_count)));
        // The new root is a tmpfs made just now: its rule can only be added here.
        if (spec.root_access != 0) must(out, landlock_mod.addRuleAt(spec.landlock_fd, "/", spec.root_access, false));
    }

    if (spec.flags & Flags.mount_proc != 0) {
        // Private propagation first, so the new /proc never shows up outside
        // (the private root made it so already). Under a private root, before
        // its old root is detached: in a user namespace the kernel mounts a
        // procfs only while another one is fully visible in the namespace.
        out.out_step = @intFromEnum(Step.mount_proc);
        if (spec.flags & Flags.private_root == 0) must(out, linux.syscall5(.mount, 0, @intFromPtr("/"), 0, uapi.ms_rec | uapi.ms_private, 0));
        must(out, linux.syscall5(.mount, @intFromPtr("proc"), @intFromPtr("/proc"), @intFromPtr("proc"), uapi.ms_nosuid | uapi.ms_nodev | uapi.ms_noexec, 0));
        // Root-only files of the new /proc hidden from the command (uid 0 reads them).
        if (spec.flags & Flags.private_root != 0) must(out, private_root.maskProc(c, c.items(spec_mod.ViewEntry, spec.view_off, spec.view_count)));
        // A landlock rule made in the parent names the host's /proc; this
        // mount is a new filesystem, so its rule can only be added from here.
        if (spec.proc_access != 0) must(out, landlock_mod.addRuleAt(spec.landlock_fd, "/proc", spec.proc_access, false));
    }

    if (spec.flags & Flags.private_root != 0) {
        out.out_step = @intFromEnum(Step.private_root);
        must(out, private_root.detachOldRoot());
    }

    if (spec.flags & Flags.proc_self != 0 and !confinedByCommand(spec)) {
        // No /proc of its own: only the child's own pid directory, which
        // /proc/self names for the command (it keeps this pid across execve).
        // procfs makes a new inode each time a pid directory is looked up
        // afresh, so the rule holds only while this directory's dentry stays
        // cached: it stays open here until execve, and the caller opens it
        // once the spawn returns (its dentry pinned for the command's life).
        out.out_step = @intFromEnum(Step.proc_self);
        must(out, landlock_mod.addRuleAt(spec.landlock_fd, "/proc/self", spec.proc_access, true));
    }

    if (spec.flags & Flags.loopback_up != 0) {
        out.out_step = @intFromEnum(Step.loopback);
        must(out, loopback.up());
    }

    if (spec.netns_off != 0) {
        // Still holding capabilities in the new namespace: the relay's sockets (netns_setup.zig).
        out.out_step = @intFromEnum(Step.netns);
        const n = c.netns();
        must(out, netns_setup.run(n.channel, c.items(netns_setup.Addr, n.addrs_off, n.addrs_count), c.items(netns_setup.Socket, n.sockets_off, n.sockets_count)));
    }

    // Place fds: first lift every source above all targets (so one placement
    // cannot overwrite another's source), then dup2 each into place.
    out.out_step = @intFromEnum(Step.fds);
    var lifted: [1024]i32 = undefined; // the caller's record is never written
    var floor: usize = 3;
    for (fds) |m| floor = @max(floor, @as(usize, @intCast(m.child)) + 1);
    for (fds, 0..) |m, i| {
        const from: usize = if (m.parent == spec_mod.dev_null) dev_null else @as(u32, @bitCast(m.parent));
        const fd = linux.syscall3(.fcntl, from, uapi.f_dupfd_cloexec, floor);
        must(out, fd);
        lifted[i] = @intCast(fd);
    }
    // cordon-init's status fd: lifted too (a placement may reuse its number), close-on-exec until the command runs.
    var status_fd: i32 = -1;
    if (spec.flags & Flags.init_status != 0) {
        const fd = linux.syscall3(.fcntl, @as(u32, @bitCast(spec.init_status_fd)), uapi.f_dupfd_cloexec, floor);
        must(out, fd);
        status_fd = @intCast(fd);
    }
    // A warm sandbox's request socket: lifted likewise, for cordon-init alone.
    var warm_fd: i32 = -1;
    if (spec.flags & Flags.warm != 0) {
        const fd = linux.syscall3(.fcntl, @as(u32, @bitCast(spec.warm_fd)), uapi.f_dupfd_cloexec, floor);
        must(out, fd);
        warm_fd = @intCast(fd);
    }
    for (fds, 0..) |m, i| must(out, linux.syscall3(.dup3, @as(u32, @bitCast(lifted[i])), @as(u32, @bitCast(m.child)), 0));

    // Everything else closes at execve, whatever the parent left inheritable.
    // CLOEXEC rather than close: the landlock ruleset fd is still needed below.
    out.out_step = @intFromEnum(Step.close_range);
    var next: usize = 0;
    while (next < floor) {
        var placed = false;
        for (fds) |m| placed = placed or @as(usize, @intCast(m.child)) == next;
        if (!placed and next >= 3) _ = linux.syscall3(.fcntl, next, 2, 1); // F_SETFD FD_CLOEXEC; EBADF is fine
        next += 1;
    }
    must(out, linux.syscall3(.close_range, floor, 0xffff_ffff, uapi.close_range_cloexec));

    if (spec.cwd_off != 0) {
        out.out_step = @intFromEnum(Step.chdir);
        must(out, linux.syscall1(.chdir, @intFromPtr(c.str(spec.cwd_off))));
    }

    out.out_step = @intFromEnum(Step.setrlimit);
    for (c.items(spec_mod.Rlimit, spec.rlimits_off, spec.rlimits_count)) |*r| {
        must(out, linux.syscall4(.prlimit64, 0, r.resource, @intFromPtr(&r.cur), 0));
    }

    // The bounding and ambient sets and the securebits need CAP_SETPCAP:
    // before the id switch, which (with NO_SETUID_FIXUP set here) keeps the
    // permitted and effective sets until they are emptied below.
    var held_caps = false;
    if (spec.flags & Flags.drop_caps != 0) {
        out.out_step = @intFromEnum(Step.capabilities);
        must(out, dropBounding(&held_caps));
    }

    if (spec.flags & Flags.set_ids != 0) {
        out.out_step = @intFromEnum(Step.setgroups);
        must(out, dropGroups());
        out.out_step = @intFromEnum(Step.setresgid);
        must(out, linux.syscall3(.setresgid, spec.gid, spec.gid, spec.gid));
        out.out_step = @intFromEnum(Step.setresuid);
        must(out, linux.syscall3(.setresuid, spec.uid, spec.uid, spec.uid));
    }

    // The caller's signal for the command (0: none), after the id change
    // (which clears the one set above). If the parent is already gone, the
    // signal would never come: die now instead.
    out.out_step = @intFromEnum(Step.pdeathsig);
    must(out, linux.syscall2(.prctl, uapi.pr_set_pdeathsig, spec.pdeath_signal));
    if (spec.pdeath_signal != 0 and parentGone(c)) linux.exit_group(127);

    if (spec.flags & Flags.no_new_privs != 0) {
        out.out_step = @intFromEnum(Step.no_new_privs);
        must(out, linux.syscall5(.prctl, uapi.pr_set_no_new_privs, 1, 0, 0, 0));
    }

    if (held_caps) {
        out.out_step = @intFromEnum(Step.capabilities);
        must(out, clearCapabilitySets());
    }

    if (!confinedByCommand(spec)) confine(c, true);

    out.out_step = @intFromEnum(Step.execve);
    if (spec.flags & Flags.warm != 0) execInit(c, .warm, @intCast(warm_fd), status_fd);
    if (spec.flags & Flags.init != 0) startUnderInit(c, status_fd);
    _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&zero_set), 0, 8);
    @atomicStore(i32, &out.out_errno, 0, .release);
    const rc = linux.syscall3(.execve, @intFromPtr(c.str(spec.path_off)), @intFromPtr(c.argv), @intFromPtr(c.envp));
    fail(out, rc);
}

/// landlock_restrict_self (with `landlock`), then the seccomp filter: the last steps before execve.
fn confine(c: *const spec_mod.Checked, landlock: bool) void {
    const spec = &c.spec;
    const out = c.out;
    if (landlock and spec.landlock_fd >= 0) {
        out.out_step = @intFromEnum(Step.landlock_restrict_self);
        must(out, linux.syscall2(.landlock_restrict_self, @as(u32, @bitCast(spec.landlock_fd)), spec.landlock_flags));
    }
    if (spec.seccomp_count != 0) {
        out.out_step = @intFromEnum(Step.seccomp);
        const prog: SockFprog = .{ .len = @intCast(spec.seccomp_count), .filter = @intFromPtr(c.base + spec.seccomp_off) };
        // The listener goes with the command's filter only (under INIT without a fresh /proc, cordon-init's own has none).
        const listen = landlock and spec.flags & Flags.notify != 0;
        const rc = linux.syscall3(.seccomp, seccomp_set_mode_filter, spec.seccomp_flags | if (listen) seccomp_new_listener else 0, @intFromPtr(&prog));
        must(out, rc);
        if (listen) {
            out.out_step = @intFromEnum(Step.notify);
            must(out, sendFd(spec.notify_sock, @intCast(rc)));
            _ = linux.syscall1(.close, rc);
        }
    }
}

const seccomp_new_listener: usize = 1 << 3;

/// One byte with `fd` attached (SCM_RIGHTS) over the supervisor's socket.
fn sendFd(sock: i32, fd: i32) usize {
    var byte: u8 = 'L';
    var iov = [1]@import("std").posix.iovec_const{.{ .base = @ptrCast(&byte), .len = 1 }};
    // struct cmsghdr (len, level, type) then the fd: CMSG_SPACE(4) = 24.
    var control: [24]u8 align(8) = @splat(0);
    @as(*align(1) u64, @ptrCast(&control[0])).* = 20;
    @as(*align(1) i32, @ptrCast(&control[8])).* = 1; // SOL_SOCKET
    @as(*align(1) i32, @ptrCast(&control[12])).* = 1; // SCM_RIGHTS
    @as(*align(1) i32, @ptrCast(&control[16])).* = fd;
    const msg: linux.msghdr_const = .{ .name = null, .namelen = 0, .iov = &iov, .iovlen = 1, .control = &control, .controllen = control.len, .flags = 0 };
    return linux.syscall3(.sendmsg, @as(u32, @bitCast(sock)), @intFromPtr(&msg), 0x4000); // MSG_NOSIGNAL
}

/// PROC_SELF under INIT: the command is not this child but a process it
/// starts, with a pid of its own, so the command adds the rule on its own
/// /proc/<pid> and confines itself (landlock, seccomp) before execve. This
/// child, cordon-init to be, takes the seccomp filter once the command runs
/// but no landlock domain: a domain of its own would be the command's
/// sibling, and landlock's signal scope would keep it from signalling the
/// command; outside the command's domain it stays out of the command's reach.
fn confinedByCommand(spec: *const Spec) bool {
    return spec.flags & Flags.init != 0 and spec.flags & Flags.proc_self != 0;
}


/// With INIT (this child is pid 1 of its pid namespace, every restriction
/// applied): start the command vfork-style, then exec cordon-init to adopt it.
/// The command shares this memory, Bun's, which never exits: cordon-init's own
/// memory is never touched from another CPU, so its exit needs no TLB
/// shootdown. Every signal stays blocked through to cordon-init, which takes
/// them synchronously: one sent before its handlers exist stays pending (a
/// blocked signal is never discarded, even for a namespace's pid 1).
/// `status_fd` (or -1): opened for cordon-init only once the command has
/// exec'd, so the command never holds it.
fn startUnderInit(c: *const spec_mod.Checked, status_fd: i32) noreturn {
    const out = c.out;
    // The command's stack while it runs here; this process waits (CLONE_VFORK).
    var stack: [8 * 1024]u8 align(16) = undefined;
    @atomicStore(i32, &out.out_errno, 0, .release);
    // The spine's own clone entry (clone3.zig): the command runs startCommand on `stack` and never returns into this frame.
    var unused_tid: i32 = 0;
    const rc = clone3.cordon_clone(uapi.clone_vm | uapi.clone_vfork | uapi.sigchld, @intFromPtr(&stack) + stack.len, &unused_tid, startCommand, @intFromPtr(c));
    if (sys.isError(rc)) {
        out.out_step = @intFromEnum(Step.start_command);
        fail(out, rc);
    }
    // Its execve failed (errno recorded): this exit ends the namespace.
    if (@atomicLoad(i32, &out.out_errno, .acquire) != 0) linux.exit_group(127);
    if (confinedByCommand(&c.spec)) confine(c, false);

    execInit(c, .adopt, rc, status_fd);
}

/// Execs cordon-init as "cordon-init MODE N [--status-fd FD]" (--adopt PID,
/// or --warm FD: the request socket, which loses close-on-exec here), in
/// memory of cordon's own (this stack), with an empty environment.
fn execInit(c: *const spec_mod.Checked, comptime mode: enum { adopt, warm }, n: usize, status_fd: i32) noreturn {
    const out = c.out;
    var n_text: [12:0]u8 = @splat(0);
    decimal(n, &n_text);
    var fd_text: [12:0]u8 = @splat(0);
    var argv = [_:null]?[*:0]const u8{ "cordon-init", if (mode == .warm) "--warm" else "--adopt", &n_text, null, null };
    out.out_step = @intFromEnum(Step.init);
    if (mode == .warm) must(out, linux.syscall3(.fcntl, n, 2, 0)); // F_SETFD: no close-on-exec
    if (status_fd >= 0) {
        must(out, linux.syscall3(.fcntl, @as(u32, @bitCast(status_fd)), 2, 0)); // F_SETFD: no close-on-exec
        decimal(@intCast(status_fd), &fd_text);
        argv[3] = "--status-fd";
        argv[4] = &fd_text;
    }
    const envp = [_:null]?[*:0]const u8{};
    // Nothing is left to fail in this child but this execve: out_errno says so if it does.
    @atomicStore(i32, &out.out_errno, 0, .release);
    const r = linux.syscall3(.execve, @intFromPtr(c.str(c.spec.init_off)), @intFromPtr(&argv), @intFromPtr(&envp));
    // pid 1 exits: the kernel kills the command (if any) with the rest of the namespace.
    fail(out, r);
}

/// `n` in decimal, NUL-terminated (the buffer starts zeroed).
fn decimal(n: usize, text: *[12:0]u8) void {
    var digits: [12]u8 = undefined;
    var len: usize = 0;
    var rest = n;
    while (true) : (len += 1) {
        digits[len] = '0' + @as(u8, @intCast(rest % 10));
        rest /= 10;
        if (rest == 0) break;
    }
    for (0..len + 1) |i| text[i] = digits[len - i];
}

/// The command: a clean mask, then exec. Its dispositions are already the
/// defaults (reset above, copied at clone). It writes nothing but out_errno
/// (and out_step, when it confines itself: see confinedByCommand).
fn startCommand(arg: usize) callconv(.c) u8 {
    const c: *const spec_mod.Checked = @ptrFromInt(arg);
    const zero_set: u64 = 0;
    if (confinedByCommand(&c.spec)) {
        // A failure here is this process's exit with out_errno set: the child sees it and ends the namespace.
        c.out.out_step = @intFromEnum(Step.proc_self);
        freeFds(c);
        must(c.out, landlock_mod.addRuleAt(c.spec.landlock_fd, "/proc/self", c.spec.proc_access, true));
        confine(c, true);
        c.out.out_step = @intFromEnum(Step.execve);
    }
    _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&zero_set), 0, 8);
    const rc = linux.syscall3(.execve, @intFromPtr(c.str(c.spec.path_off)), @intFromPtr(c.argv), @intFromPtr(c.envp));
    @atomicStore(i32, &c.out.out_errno, -sys.status(rc), .release);
    linux.exit_group(127);
}

/// The command's copy of the fd table still holds every fd of the caller
/// (close-on-exec, closed only at execve), so with RLIMIT_NOFILE already
/// lowered its open of /proc/self could find no free number: everything above
/// the placed fds is closed now but the landlock ruleset it still needs.
fn freeFds(c: *const spec_mod.Checked) void {
    var floor: usize = 3;
    for (c.items(spec_mod.FdMap, c.spec.fds_off, c.spec.fds_count)) |m| floor = @max(floor, @as(usize, @intCast(m.child)) + 1);
    // The landlock ruleset and the notification socket stay (-1 reads as "none above floor").
    var keep = [2]usize{ @as(u32, @bitCast(c.spec.landlock_fd)), @as(u32, @bitCast(c.spec.notify_sock)) };
    if (keep[0] > keep[1]) keep = .{ keep[1], keep[0] };
    var from = floor;
    for (keep) |k| {
        if (k == 0xffff_ffff or k < from) continue;
        if (k > from) _ = linux.syscall3(.close_range, from, k - 1, 0);
        from = k + 1;
    }
    _ = linux.syscall3(.close_range, from, 0xffff_ffff, 0);
}

/// capget/capset header and data (_LINUX_CAPABILITY_VERSION_3: two 32-bit halves).
const CapHeader = extern struct { version: u32 = 0x20080522, pid: i32 = 0 };
const CapData = extern struct { effective: u32 = 0, permitted: u32 = 0, inheritable: u32 = 0 };
/// NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE, each with its lock, and KEEP_CAPS_LOCKED:
/// uid 0 gains nothing at execve, and none of it can be undone.
const securebits: usize = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 7);

/// A root (or namespace-root) child keeps every capability unless they are
/// dropped: securebits first (they need CAP_SETPCAP), then the ambient and
/// bounding sets. `held` says whether anything was held at all (an
/// unprivileged caller outside a user namespace holds nothing, and could not
/// drop its bounding set: no_new_privs keeps file capabilities from it).
fn dropBounding(held: *bool) usize {
    var hdr: CapHeader = .{};
    var data = [2]CapData{ .{}, .{} };
    var rc = linux.syscall2(.capget, @intFromPtr(&hdr), @intFromPtr(&data));
    if (sys.isError(rc)) return rc;
    held.* = data[0].permitted != 0 or data[1].permitted != 0 or data[0].inheritable != 0 or data[1].inheritable != 0;
    if (!held.*) return 0;
    rc = linux.syscall2(.prctl, uapi.pr_set_securebits, securebits);
    if (sys.isError(rc)) return rc;
    rc = linux.syscall5(.prctl, uapi.pr_cap_ambient, uapi.pr_cap_ambient_clear_all, 0, 0, 0);
    if (sys.isError(rc)) return rc;
    var cap: usize = 0;
    while (cap < 64) : (cap += 1) {
        const d = linux.syscall2(.prctl, uapi.pr_capbset_drop, cap);
        if (sys.isError(d)) {
            if (sys.status(d) == -uapi.e.INVAL) break; // past the kernel's last capability
            return d;
        }
    }
    return 0;
}

/// The effective, permitted and inheritable sets emptied (always allowed).
fn clearCapabilitySets() usize {
    var hdr: CapHeader = .{};
    var data = [2]CapData{ .{}, .{} };
    return linux.syscall2(.capset, @intFromPtr(&hdr), @intFromPtr(&data));
}

/// No supplementary groups. In a user namespace whose setgroups file says
/// "deny" (a nested host) setgroups is refused: that is fine only when there
/// are none to drop; otherwise the spawn stops.
fn dropGroups() usize {
    const rc = linux.syscall2(.setgroups, 0, 0);
    if (!sys.isError(rc) or sys.status(rc) != -uapi.e.PERM) return rc;
    const n = linux.syscall2(.getgroups, 0, 0);
    return if (n == 0) 0 else rc;
}

/// Whether `fd` and the namespace file `path` (followed) are one namespace: nsfs inode and device alike. Unknown (a failed statx): false, and setns decides.
fn sameNamespace(fd: u32, path: [*:0]const u8) bool {
    const mask: linux.STATX = .{ .INO = true };
    var a: linux.Statx = undefined;
    var b: linux.Statx = undefined;
    if (sys.isError(linux.statx(@bitCast(fd), "", linux.AT.EMPTY_PATH, mask, &a))) return false;
    if (sys.isError(linux.statx(linux.AT.FDCWD, path, 0, mask, &b))) return false;
    return a.ino == b.ino and a.dev_major == b.dev_major and a.dev_minor == b.dev_minor;
}
