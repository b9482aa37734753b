//! What this host lets a sandbox have, found by trying each thing once in a
//! throw-away process: namespaces made by clone3 (clone where a profile
//! answers ENOSYS) the way a spawn makes them, directly and inside a user
//! namespace, a tmpfs and a fresh /proc mounted in them, the mount API calls
//! the private root uses, and a user namespace made by an unprivileged uid.
//! The probe forks once (no CLONE_VM: the copy may do anything to itself);
//! that copy forks one child per trial and sends the bitmask up a pipe.
//! Nothing here changes the calling process.
const std = @import("std");
const sys = @import("sys.zig");
const clone3 = @import("clone3.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

/// Bits of the answer (CORDON_HOST_* in cordon_linux_host.h).
pub const Bit = struct {
    pub const clone3_call: u32 = 1 << 0;
    pub const user: u32 = 1 << 1;
    /// mount, pid, net, ipc, uts, cgroup made directly: bits 2..7.
    pub const direct_base: u5 = 2;
    /// the same inside a new user namespace: bits 8..13.
    pub const in_user_base: u5 = 8;
    pub const proc_direct: u32 = 1 << 14;
    pub const proc_in_user: u32 = 1 << 15;
    pub const tmpfs_direct: u32 = 1 << 16;
    pub const tmpfs_in_user: u32 = 1 << 17;
    pub const fsopen: u32 = 1 << 18;
    pub const open_tree: u32 = 1 << 19;
    pub const move_mount: u32 = 1 << 20;
    pub const openat2: u32 = 1 << 21;
    pub const mount_setattr: u32 = 1 << 22;
    pub const unprivileged_userns: u32 = 1 << 23;
    pub const capabilities: u32 = 1 << 24;
    pub const no_new_privs: u32 = 1 << 25;
    pub const seccomp_filter: u32 = 1 << 26;
    /// clone3 takes Linux 7.1's flags, each tried alone: bits 27..29.
    pub const clone_autoreap: u32 = 1 << 27;
    pub const clone_nnp: u32 = 1 << 28;
    pub const clone_pidfd_autokill: u32 = 1 << 29;
};

/// Linux 7.1's clone3 flags (include/uapi/linux/sched.h there; the uapi
/// headers Zig ships predate them): the child is reaped by the kernel on
/// exit (exit_signal must be 0), gets no_new_privs at creation, and is
/// SIGKILLed when the clone3 pidfd is closed (needs CLONE_PIDFD and
/// CLONE_AUTOREAP, and CLONE_NNP or CAP_SYS_ADMIN). Older kernels refuse
/// every unknown clone3 flag with EINVAL.
const clone_autoreap: u64 = 1 << 34;
const clone_nnp: u64 = 1 << 35;
const clone_pidfd_autokill: u64 = 1 << 36;

const clone_newns: u64 = uapi.clone_newns;
const clone_newcgroup: u64 = uapi.clone_newcgroup;
const clone_newuts: u64 = uapi.clone_newuts;
const clone_newipc: u64 = uapi.clone_newipc;
const clone_newuser: u64 = uapi.clone_newuser;
const clone_newpid: u64 = uapi.clone_newpid;
const clone_newnet: u64 = uapi.clone_newnet;
/// In the order of the bits: mount, pid, net, ipc, uts, cgroup.
const kinds = [_]u64{ clone_newns, clone_newpid, clone_newnet, clone_newipc, clone_newuts, clone_newcgroup };

const wall: usize = uapi.wall;
const at_fdcwd: usize = uapi.at_fdcwd;
const o_cloexec: usize = uapi.o_cloexec;
const o_wronly: usize = uapi.o_wronly;
const ms_nosuid: usize = uapi.ms_nosuid;
const ms_nodev: usize = uapi.ms_nodev;
const ms_noexec: usize = uapi.ms_noexec;
const ms_rec: usize = uapi.ms_rec;
const ms_private: usize = uapi.ms_private;
const enosys: isize = -uapi.e.NOSYS;
const einval: isize = -uapi.e.INVAL;
const nobody: usize = 65534;

/// fork (or a clone with namespace flags) as a spawn makes it: clone3, then
/// the legacy clone on ENOSYS. No exit signal: nobody but the waiter hears of it.
fn forkWith(flags: u64) isize {
    var args: clone3.CloneArgs = .{ .flags = flags };
    var rc: isize = @bitCast(linux.syscall2(.clone3, @intFromPtr(&args), @sizeOf(clone3.CloneArgs)));
    if (rc == enosys) rc = @bitCast(linux.syscall5(.clone, @intCast(flags), 0, 0, 0, 0));
    return rc;
}

/// Runs `body(arg)` in a child cloned with `flags`: its exit code, or null
/// if it could not be made or did not exit normally.
fn direct(flags: u64, body: *const fn (usize) u8, arg: usize) ?u8 {
    const pid = forkWith(flags);
    if (pid == 0) linux.exit_group(body(arg));
    if (pid < 0) return null;
    var status: u32 = 0;
    const rc = linux.syscall4(.wait4, @as(usize, @bitCast(pid)), @intFromPtr(&status), wall, 0);
    if (sys.isError(rc) or status & 0x7f != 0) return null;
    return @truncate(status >> 8);
}

/// `code`: the child's exit code, -1 until the go-between has one.
const Trial = struct { flags: u64, body: *const fn (usize) u8, arg: usize, code: i32 = -1 };

fn goBetween(arg: usize) callconv(.c) u8 {
    const t: *Trial = @ptrFromInt(arg);
    if (direct(t.flags, t.body, t.arg)) |code| @atomicStore(i32, &t.code, code, .release);
    return 0;
}

/// `direct`, with the clone asking for the namespaces made by a go-between
/// sharing this memory (CLONE_VM | CLONE_VFORK, no page tables copied): a
/// filter that kills the process making that call (SIGSYS) ends the
/// go-between only, and the trial reads as failed instead of the probe.
fn run(flags: u64, body: *const fn (usize) u8, arg: usize) ?u8 {
    var stack: [16 * 1024]u8 align(16) = undefined;
    var t: Trial = .{ .flags = flags, .body = body, .arg = arg };
    var unused_tid: i32 = 0;
    const pid = clone3.cordon_clone(uapi.clone_vm | uapi.clone_vfork, @intFromPtr(&stack) + stack.len, &unused_tid, goBetween, @intFromPtr(&t));
    if (sys.isError(pid)) return null;
    var status: u32 = 0;
    _ = linux.syscall4(.wait4, pid, @intFromPtr(&status), wall, 0);
    const code = @atomicLoad(i32, &t.code, .acquire);
    return if (code < 0) null else @intCast(code);
}

/// Runs `body(arg)` in a child cloned with `flags`; true when it exited 0.
fn trial(flags: u64, body: *const fn (usize) u8, arg: usize) bool {
    return run(flags, body, arg) == 0;
}

fn ok(_: usize) u8 {
    return 0;
}

fn failed(rc: usize) bool {
    return sys.isError(rc);
}

/// Writes `text` to /proc/self/`name` (a user namespace's maps).
fn writeSelf(name: [*:0]const u8, text: []const u8) bool {
    const fd = linux.syscall4(.openat, at_fdcwd, @intFromPtr(name), o_wronly | o_cloexec, 0);
    if (failed(fd)) return false;
    defer _ = linux.syscall1(.close, fd);
    return linux.syscall3(.write, fd, @intFromPtr(text.ptr), text.len) == text.len;
}

fn decimal(buf: []u8, v: usize) []const u8 {
    return std.fmt.bufPrint(buf, "{d} {d} 1", .{ v, v }) catch buf[0..0];
}

/// The caller's ids mapped to themselves, as a spawn's user namespace keeps them.
fn mapIds(ids: usize) bool {
    const uid = ids >> 32;
    const gid = ids & 0xffff_ffff;
    var buf: [48]u8 = undefined;
    if (!writeSelf("/proc/self/uid_map", decimal(&buf, uid))) return false;
    _ = writeSelf("/proc/self/setgroups", "deny");
    return writeSelf("/proc/self/gid_map", decimal(&buf, gid));
}

const MountArg = struct { ids: usize, user: bool, proc: bool };

/// In a fresh mount (and pid) namespace: private propagation, then a tmpfs
/// on /tmp as the private root's staging mount, or a fresh /proc on /proc.
fn mountIn(arg: usize) u8 {
    const a: *const MountArg = @ptrFromInt(arg);
    if (a.user and !mapIds(a.ids)) return 1;
    if (failed(linux.syscall5(.mount, 0, @intFromPtr("/"), 0, ms_rec | ms_private, 0))) return 2;
    const rc = if (a.proc)
        linux.syscall5(.mount, @intFromPtr("proc"), @intFromPtr("/proc"), @intFromPtr("proc"), ms_nosuid | ms_nodev | ms_noexec, 0)
    else
        linux.syscall5(.mount, @intFromPtr("tmpfs"), @intFromPtr("/tmp"), @intFromPtr("tmpfs"), ms_nosuid | ms_nodev, @intFromPtr("mode=0755"));
    return if (failed(rc)) 3 else 0;
}

/// Which of the mount API calls the private root uses work here, in a mount
/// namespace of the probe's own (bits fsopen .. mount_setattr).
fn mountCalls(arg: usize) u8 {
    const a: *const MountArg = @ptrFromInt(arg);
    if (a.user and !mapIds(a.ids)) return 0;
    _ = linux.syscall5(.mount, 0, @intFromPtr("/"), 0, ms_rec | ms_private, 0);
    var found: u8 = 0;
    const fsfd = linux.syscall2(.fsopen, @intFromPtr("tmpfs"), 1); // FSOPEN_CLOEXEC
    if (!failed(fsfd) and !failed(linux.syscall5(.fsconfig, fsfd, 6, 0, 0, 0))) { // FSCONFIG_CMD_CREATE
        const m = linux.syscall3(.fsmount, fsfd, 1, 0); // FSMOUNT_CLOEXEC
        if (!failed(m)) found |= 1;
    }
    const tree = linux.syscall3(.open_tree, at_fdcwd, @intFromPtr("/"), 1 | o_cloexec | 0x8000); // OPEN_TREE_CLONE | AT_RECURSIVE, as the private root takes its binds
    if (!failed(tree)) {
        found |= 2;
        // MOVE_MOUNT_F_EMPTY_PATH: the detached copy of / onto /tmp, in this namespace only.
        if (!failed(linux.syscall5(.move_mount, tree, @intFromPtr(""), at_fdcwd, @intFromPtr("/tmp"), 4))) found |= 4;
    }
    const how = sys.OpenHow{ .flags = uapi.o_path | uapi.o_cloexec };
    if (!failed(sys.openat2(at_fdcwd, "/", &how))) found |= 8;
    // An empty attribute change on / : ENOSYS before 5.12 (or under a profile).
    var attr = [4]u64{ 0, 0, 0, 0 };
    if (!failed(linux.syscall5(.mount_setattr, at_fdcwd, @intFromPtr("/"), 0, @intFromPtr(&attr), @sizeOf(@TypeOf(attr))))) found |= 16;
    // The answer is the exit status: 0 would read as "all failed" anyway.
    return found;
}

/// As uid and gid 65534 with no groups: a user namespace with every other kind inside it.
fn unprivileged(_: usize) u8 {
    if (failed(linux.syscall2(.setgroups, 0, 0))) return 1;
    if (failed(linux.syscall3(.setresgid, nobody, nobody, nobody))) return 2;
    if (failed(linux.syscall3(.setresuid, nobody, nobody, nobody))) return 3;
    return if (trial(clone_newuser | clone_newns | clone_newpid | clone_newnet | clone_newipc | clone_newuts, &ok, 0)) 0 else 4;
}

/// CapPrm of this process is not empty (capget, version 3).
fn holdsCapabilities() bool {
    var header = [2]u32{ 0x20080522, 0 };
    var data = [6]u32{ 0, 0, 0, 0, 0, 0 };
    if (failed(linux.syscall2(.capget, @intFromPtr(&header), @intFromPtr(&data)))) return false;
    return data[1] != 0 or data[4] != 0;
}

/// Whether clone3 takes `flags` (no exit signal): the child exits at once; an
/// autoreaped one needs no wait (wait4 says ECHILD), a pidfd is closed.
fn cloneTakes(flags: u64) bool {
    var pidfd: i32 = -1;
    var args: clone3.CloneArgs = .{ .flags = flags, .pidfd = @intFromPtr(&pidfd) };
    const rc: isize = @bitCast(linux.syscall2(.clone3, @intFromPtr(&args), @sizeOf(clone3.CloneArgs)));
    if (rc == 0) linux.exit_group(0);
    if (rc < 0) return false;
    if (pidfd >= 0) _ = linux.syscall1(.close, @as(usize, @intCast(pidfd)));
    var status: u32 = 0;
    _ = linux.syscall4(.wait4, @as(usize, @bitCast(rc)), @intFromPtr(&status), wall, 0);
    return true;
}

/// Everything, in the forked copy; the answer as a bitmask.
fn probeAll() u32 {
    var mask: u32 = 0;
    // clone3(NULL, 0) is EINVAL where the call exists, ENOSYS where it does not (or a profile says so).
    if (@as(isize, @bitCast(linux.syscall2(.clone3, 0, 0))) != enosys) mask |= Bit.clone3_call;
    if (trial(clone_newuser, &ok, 0)) mask |= Bit.user;
    for (kinds, 0..) |k, i| {
        if (trial(k, &ok, 0)) mask |= @as(u32, 1) << (Bit.direct_base + @as(u5, @intCast(i)));
        if (trial(clone_newuser | k, &ok, 0)) mask |= @as(u32, 1) << (Bit.in_user_base + @as(u5, @intCast(i)));
    }
    const ids = (linux.syscall0(.getuid) << 32) | linux.syscall0(.getgid);
    const mount_ns = clone_newns | clone_newpid;
    for ([_]bool{ false, true }) |user| {
        const flags = mount_ns | (if (user) clone_newuser else 0);
        const proc = MountArg{ .ids = ids, .user = user, .proc = true };
        const tmpfs = MountArg{ .ids = ids, .user = user, .proc = false };
        if (trial(flags, &mountIn, @intFromPtr(&proc))) mask |= if (user) Bit.proc_in_user else Bit.proc_direct;
        if (trial(flags, &mountIn, @intFromPtr(&tmpfs))) mask |= if (user) Bit.tmpfs_in_user else Bit.tmpfs_direct;
    }
    // The mount calls where a mount namespace can be had at all (directly first).
    const made = mask & Bit.tmpfs_direct != 0;
    const calls_arg = MountArg{ .ids = ids, .user = !made, .proc = false };
    if (made or mask & Bit.tmpfs_in_user != 0) {
        // Its exit code is the bits found.
        if (run(clone_newns | (if (made) 0 else clone_newuser), &mountCalls, @intFromPtr(&calls_arg))) |found| mask |= @as(u32, found & 0x1f) << 18;
    }
    const root = linux.syscall0(.geteuid) == 0;
    if (root) {
        if (trial(0, &unprivileged, 0)) mask |= Bit.unprivileged_userns;
    } else if (trial(clone_newuser | clone_newns | clone_newpid | clone_newnet | clone_newipc | clone_newuts, &ok, 0)) {
        mask |= Bit.unprivileged_userns;
    }
    if (holdsCapabilities()) mask |= Bit.capabilities;
    if (linux.syscall5(.prctl, 39, 0, 0, 0, 0) == 1) mask |= Bit.no_new_privs; // PR_GET_NO_NEW_PRIVS
    if (linux.syscall5(.prctl, 21, 0, 0, 0, 0) == 2) mask |= Bit.seccomp_filter; // PR_GET_SECCOMP: SECCOMP_MODE_FILTER
    if (mask & Bit.clone3_call != 0) {
        if (cloneTakes(clone_autoreap)) mask |= Bit.clone_autoreap;
        if (cloneTakes(clone_nnp)) mask |= Bit.clone_nnp;
        if (cloneTakes(uapi.clone_pidfd | clone_pidfd_autokill | clone_autoreap | clone_nnp)) mask |= Bit.clone_pidfd_autokill;
    }
    return mask;
}

/// Forks the probe and returns its bitmask, or a raw -errno.
pub fn probe() usize {
    var fds: [2]i32 = .{ -1, -1 };
    var rc = linux.syscall2(.pipe2, @intFromPtr(&fds), o_cloexec);
    if (sys.isError(rc)) return rc;
    // Signals stay blocked in the copy: its handlers are the caller's, for a process it is not.
    var all: [2]usize = .{ ~@as(usize, 0), ~@as(usize, 0) };
    var old: [2]usize = .{ 0, 0 };
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&all), @intFromPtr(&old), 8); // SIG_SETMASK
    var pid = forkWith(0);
    // qemu-user answers clone3, and a clone without an exit signal, with EINVAL
    // without asking the kernel; a fork that signals SIGCHLD (17) works there.
    // A real kernel never gets here; the wait4 below reaps it either way.
    if (pid == einval) pid = @bitCast(linux.syscall5(.clone, 17, 0, 0, 0, 0));
    if (pid == 0) {
        _ = linux.syscall1(.close, @as(usize, @intCast(fds[0])));
        const mask = probeAll();
        _ = linux.syscall3(.write, @as(usize, @intCast(fds[1])), @intFromPtr(&mask), 4);
        linux.exit_group(0);
    }
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&old), 0, 8);
    _ = linux.syscall1(.close, @as(usize, @intCast(fds[1])));
    defer _ = linux.syscall1(.close, @as(usize, @intCast(fds[0])));
    if (pid < 0) return @bitCast(pid);
    var mask: u32 = 0;
    rc = linux.syscall3(.read, @as(usize, @intCast(fds[0])), @intFromPtr(&mask), 4);
    var status: u32 = 0;
    // ECHILD if the kernel reaped it already (the caller ignores SIGCHLD): the pipe had the answer.
    _ = linux.syscall4(.wait4, @as(usize, @bitCast(pid)), @intFromPtr(&status), wall, 0);
    if (sys.isError(rc)) return rc;
    if (rc != 4) return @bitCast(@as(isize, -5)); // EIO: the probe died before answering
    return mask;
}

test "the host probe answers, and what the kernel says about this process agrees" {
    const rc = probe();
    try std.testing.expect(!sys.isError(rc));
    const mask: u32 = @intCast(rc);
    try std.testing.expect(mask >> 30 == 0);
    // A kernel that takes CLONE_PIDFD_AUTOKILL (with CLONE_NNP) takes CLONE_NNP and CLONE_AUTOREAP alone too.
    if (mask & Bit.clone_pidfd_autokill != 0) try std.testing.expect(mask & (Bit.clone_nnp | Bit.clone_autoreap) == Bit.clone_nnp | Bit.clone_autoreap);
    // Root in the initial namespaces (the test host) makes every kind directly.
    if (linux.syscall0(.geteuid) == 0 and holdsCapabilities() and mask & Bit.seccomp_filter == 0) {
        try std.testing.expect(mask & (@as(u32, 0x3f) << Bit.direct_base) == @as(u32, 0x3f) << Bit.direct_base);
    }
}
