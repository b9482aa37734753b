//! The spawn record (struct cordon_linux_spawn_spec in cordon_linux_spawn.h):
//! one caller buffer holding a fixed header followed by the strings and tables
//! it points into by offset. Validated in full before anything is cloned.
const abi = @import("../abi.zig");
const uapi = @import("uapi.zig");
const cordon_h = @import("../header.zig").c;
const netns_setup = @import("netns_setup.zig");

/// CORDON_SPAWN_* of the header.
pub const Flags = struct {
    pub const setsid: u32 = cordon_h.CORDON_SPAWN_SETSID;
    pub const no_new_privs: u32 = cordon_h.CORDON_SPAWN_NO_NEW_PRIVS;
    pub const set_ids: u32 = cordon_h.CORDON_SPAWN_SET_IDS;
    pub const mount_proc: u32 = cordon_h.CORDON_SPAWN_MOUNT_PROC;
    pub const loopback_up: u32 = cordon_h.CORDON_SPAWN_LOOPBACK_UP;
    pub const private_root: u32 = cordon_h.CORDON_SPAWN_PRIVATE_ROOT;
    pub const drop_caps: u32 = cordon_h.CORDON_SPAWN_DROP_CAPS;
    pub const init: u32 = cordon_h.CORDON_SPAWN_INIT;
    pub const proc_self: u32 = cordon_h.CORDON_SPAWN_PROC_SELF;
    pub const init_status: u32 = cordon_h.CORDON_SPAWN_INIT_STATUS;
    pub const notify: u32 = cordon_h.CORDON_SPAWN_NOTIFY;
    pub const warm: u32 = cordon_h.CORDON_SPAWN_WARM;
    pub const join_netns: u32 = cordon_h.CORDON_SPAWN_JOIN_NETNS;
    pub const all: u32 = setsid | no_new_privs | set_ids | mount_proc | loopback_up | private_root | drop_caps | init | proc_self | init_status | notify | warm | join_netns;
};

/// Namespace flags a caller may ask clone3 for (CLONE_NEW*); nothing else.
pub const namespace_flags: u64 = uapi.clone_newns | uapi.clone_newcgroup | uapi.clone_newuts |
    uapi.clone_newipc | uapi.clone_newuser | uapi.clone_newpid | uapi.clone_newnet;

/// SECCOMP_FILTER_FLAG_LOG, the one filter flag a spawn may pass. The others
/// are refused: NEW_LISTENER leaves the listener in the child, so a
/// USER_NOTIF answer (execve's included) would wait for a supervisor that
/// does not exist, with Bun waiting for the child; TSYNC and SPEC_ALLOW are
/// nothing a sandbox asks for.
pub const seccomp_flags_allowed: u32 = 1 << 1;

/// struct cordon_linux_spawn_spec, the header's own.
pub const Spec = cordon_h.struct_cordon_linux_spawn_spec;

/// One stdio/extra-fd placement (struct cordon_linux_spawn_fd): the parent's
/// fd becomes `child` in the child; `parent` = `dev_null` asks the child for
/// /dev/null instead.
pub const FdMap = cordon_h.struct_cordon_linux_spawn_fd;

/// FdMap.parent: /dev/null, opened read-write by the child before any root
/// change (one open serves every such slot), so the parent opens nothing.
pub const dev_null: i32 = cordon_h.CORDON_SPAWN_DEV_NULL;

/// struct rlimit plus its resource number (struct cordon_linux_spawn_rlimit).
pub const Rlimit = cordon_h.struct_cordon_linux_spawn_rlimit;

/// struct cordon_linux_view_entry (see private_root.zig). `same_as` is 0, or
/// 1 + an fd of the caller naming what a bind (or a deny's cover) must show;
/// on the mount kinds, the landlock rights added beneath the new filesystem.
pub const ViewEntry = cordon_h.struct_cordon_linux_view_entry;

/// struct sock_filter.
pub const SockFilter = extern struct { code: u16, jt: u8, jf: u8, k: u32 };

/// Steps of the child, reported in out_step (CORDON_SPAWN_STEP_* in the header).
pub const Step = enum(u32) {
    none = 0,
    signals = cordon_h.CORDON_SPAWN_STEP_SIGNALS,
    setsid = cordon_h.CORDON_SPAWN_STEP_SETSID,
    cgroup_procs = cordon_h.CORDON_SPAWN_STEP_CGROUP_PROCS,
    id_maps = cordon_h.CORDON_SPAWN_STEP_ID_MAPS,
    fds = cordon_h.CORDON_SPAWN_STEP_FDS,
    close_range = cordon_h.CORDON_SPAWN_STEP_CLOSE_RANGE,
    chdir = cordon_h.CORDON_SPAWN_STEP_CHDIR,
    setrlimit = cordon_h.CORDON_SPAWN_STEP_SETRLIMIT,
    setgroups = cordon_h.CORDON_SPAWN_STEP_SETGROUPS,
    setresgid = cordon_h.CORDON_SPAWN_STEP_SETRESGID,
    setresuid = cordon_h.CORDON_SPAWN_STEP_SETRESUID,
    pdeathsig = cordon_h.CORDON_SPAWN_STEP_PDEATHSIG,
    no_new_privs = cordon_h.CORDON_SPAWN_STEP_NO_NEW_PRIVS,
    landlock_restrict_self = cordon_h.CORDON_SPAWN_STEP_LANDLOCK,
    seccomp = cordon_h.CORDON_SPAWN_STEP_SECCOMP,
    execve = cordon_h.CORDON_SPAWN_STEP_EXECVE,
    clone3 = cordon_h.CORDON_SPAWN_STEP_CLONE3,
    mount_proc = cordon_h.CORDON_SPAWN_STEP_MOUNT_PROC,
    loopback = cordon_h.CORDON_SPAWN_STEP_LOOPBACK,
    private_root = cordon_h.CORDON_SPAWN_STEP_PRIVATE_ROOT,
    capabilities = cordon_h.CORDON_SPAWN_STEP_CAPABILITIES,
    /// With INIT: the clone of the command.
    start_command = cordon_h.CORDON_SPAWN_STEP_START_COMMAND,
    /// With INIT: the execve of cordon-init, once the command runs.
    init = cordon_h.CORDON_SPAWN_STEP_INIT,
    /// With PROC_SELF: the landlock rule on the command's own /proc/<pid>.
    proc_self = cordon_h.CORDON_SPAWN_STEP_PROC_SELF,
    /// With NOTIFY: sending the seccomp listener to the supervisor.
    notify = cordon_h.CORDON_SPAWN_STEP_NOTIFY,
    /// With netns_off: addresses on lo and the relay's sockets (netns_setup.zig).
    netns = cordon_h.CORDON_SPAWN_STEP_NETNS,
    /// With JOIN_NETNS: setns(netns_fd, CLONE_NEWNET).
    join_netns = cordon_h.CORDON_SPAWN_STEP_JOIN_NETNS,
};

/// netns_fd without JOIN_NETNS.
pub const no_netns_fd: i32 = -1;

/// Whether the child has a network namespace of its own: a new one (CLONE_NEWNET) or one it joins.
pub fn ownNetwork(spec: *const Spec) bool {
    return spec.clone_flags & uapi.clone_newnet != 0 or spec.flags & Flags.join_netns != 0;
}

/// out_errno while the child has not yet reached execve: if it is still there
/// afterwards, the child died on the way (a signal, a trap).
pub const errno_pending: i32 = 0x7fffffff;

/// A checked record. Decisions read `spec`, a private copy of the caller's
/// header taken before anything was checked, so nothing the caller's buffer
/// holds can change after the check; the caller's header (`out`) only receives
/// the out_* fields. Strings and tables all lie after the header and are never
/// written; argv/envp pointer arrays live in `ptrs`, memory of cordon's own.
pub const Checked = struct {
    spec: Spec,
    out: *Spec,
    base: [*]const u8,
    argv: [*]const ?[*:0]const u8 = undefined,
    envp: [*]const ?[*:0]const u8 = undefined,
    /// Set when the legacy clone was used: the child joins `cgroup_fd` itself.
    join_cgroup: bool = false,
    /// With CLONE_NEWPID (where the child's getppid() is 0): a pidfd of the
    /// spawning thread, for the child to see whether it is already gone.
    parent_pidfd: i32 = -1,

    /// The `count` entries of a checked table. An empty table is never
    /// looked at: its offset may be anything, aligned or not.
    pub fn items(c: *const Checked, comptime T: type, off: u32, count: u32) []const T {
        if (count == 0) return &.{};
        const first: [*]const T = @ptrCast(@alignCast(c.base + off));
        return first[0..count];
    }
    /// The checked netns set-up record (netns_off != 0), in the caller's
    /// buffer like the other tables.
    pub fn netns(c: *const Checked) *const netns_setup.Setup {
        return @ptrCast(@alignCast(c.base + c.spec.netns_off));
    }
    pub fn str(c: *const Checked, off: u32) [*:0]const u8 {
        return @ptrCast(c.base + off);
    }
};

fn fits(len: usize, off: u32, bytes: u64) bool {
    return off >= @sizeOf(Spec) and @as(u64, off) + bytes <= len;
}

/// A NUL-terminated string after the header, inside the buffer.
fn isCString(buf: []const u8, off: u64) bool {
    if (off < @sizeOf(Spec) or off >= buf.len) return false;
    for (buf[@intCast(off)..]) |b| if (b == 0) return true;
    return false;
}

/// A table (possibly empty) after the header: an empty one may sit anywhere
/// (`Checked.items` never forms a pointer to it).
fn table(len: usize, off: u32, count: u32, size: u64, alignment: u32) bool {
    if (count == 0) return true;
    return off % alignment == 0 and fits(len, off, @as(u64, count) * size);
}

/// Bytes of the pointer arrays `fillPointers` writes for this record.
pub fn pointerBytes(spec: *const Spec) usize {
    return (@as(usize, spec.argc) + 1 + @as(usize, spec.envc) + 1) * 8;
}

/// Checks an offset table of `count` strings plus a terminating 0 and writes
/// their addresses into `out` (count + 1 entries).
fn fillTable(buf: []const u8, off: u32, count: u32, out: [*]?[*:0]const u8) bool {
    if (off % 8 != 0 or !fits(buf.len, off, (@as(u64, count) + 1) * 8)) return false;
    const offsets: [*]const u64 = @ptrCast(@alignCast(buf.ptr + off));
    for (0..count) |i| {
        const s = offsets[i];
        if (!isCString(buf, s)) return false;
        out[i] = @ptrCast(buf.ptr + @as(usize, @intCast(s)));
    }
    if (offsets[count] != 0) return false;
    out[count] = null;
    return true;
}

/// Validates every field and offset of the header (step one; the pointer
/// arrays are filled by `fillPointers` once cordon has memory for them).
pub fn check(buf: []u8) abi.Failure!Checked {
    if (@intFromPtr(buf.ptr) % 8 != 0) return error.InvalidArgument;
    if (buf.len < @sizeOf(Spec)) return error.RecordOutOfBounds;
    const out: *Spec = @ptrCast(@alignCast(buf.ptr));
    const spec: Spec = out.*;
    if (spec.struct_size != @sizeOf(Spec)) return error.AbiMismatch;
    if (spec.abi_version != abi.version) return error.AbiMismatch;
    if (spec.flags & ~Flags.all != 0) return error.InvalidArgument;
    if (spec.clone_flags & ~namespace_flags != 0) return error.InvalidArgument;
    if (spec.pdeath_signal > 64) return error.InvalidArgument;
    // uid/gid -1 means "unchanged" to setresuid: never what a caller asking for an id switch wants.
    if (spec.flags & Flags.set_ids != 0 and (spec.uid == 0xffff_ffff or spec.gid == 0xffff_ffff)) return error.InvalidArgument;
    const proc_rule = spec.flags & (Flags.mount_proc | Flags.proc_self);
    if (proc_rule == Flags.mount_proc | Flags.proc_self) return error.InvalidArgument;
    if (spec.proc_access != 0 and (proc_rule == 0 or spec.landlock_fd < 0)) return error.InvalidArgument;
    if (spec.flags & Flags.proc_self != 0 and spec.proc_access == 0) return error.InvalidArgument;
    if (spec.argc == 0 or spec.argc > 1 << 20 or spec.envc > 1 << 20) return error.InvalidArgument;
    if (!isCString(buf, spec.path_off)) return error.RecordOutOfBounds;
    if (spec.cwd_off != 0 and !isCString(buf, spec.cwd_off)) return error.RecordOutOfBounds;
    if (spec.fds_count > 1024 or !table(buf.len, spec.fds_off, spec.fds_count, @sizeOf(FdMap), 4)) return error.RecordOutOfBounds;
    if (spec.procs_count > 64 or !table(buf.len, spec.procs_off, spec.procs_count, 4, 4)) return error.RecordOutOfBounds;
    if (spec.rlimits_count > 64 or !table(buf.len, spec.rlimits_off, spec.rlimits_count, @sizeOf(Rlimit), 8)) return error.RecordOutOfBounds;
    if (spec.seccomp_count > 4096 or !table(buf.len, spec.seccomp_off, spec.seccomp_count, @sizeOf(SockFilter), 8)) return error.RecordOutOfBounds;
    if (spec.seccomp_flags & ~seccomp_flags_allowed != 0 or (spec.seccomp_flags != 0 and spec.seccomp_count == 0)) return error.InvalidArgument;
    if (spec.flags & Flags.notify != 0) {
        if (spec.seccomp_count == 0 or spec.notify_sock < 0) return error.InvalidArgument;
    } else if (spec.notify_sock != -1) return error.InvalidArgument;
    if (spec.flags & Flags.mount_proc != 0 and spec.clone_flags & (uapi.clone_newns | uapi.clone_newpid) != (uapi.clone_newns | uapi.clone_newpid))
        return error.InvalidArgument; // a fresh /proc needs its own mount and pid namespaces
    if (spec.reserved != 0) return error.InvalidArgument;
    if (spec.flags & Flags.join_netns != 0) {
        // A new namespace as well would be made, then left; a namespace of the
        // caller's user namespace cannot be joined from a new user namespace.
        if (spec.netns_fd < 0 or spec.clone_flags & (uapi.clone_newnet | uapi.clone_newuser) != 0) return error.InvalidArgument;
    } else if (spec.netns_fd != no_netns_fd) return error.InvalidArgument;
    if (spec.flags & Flags.loopback_up != 0 and !ownNetwork(&spec)) return error.InvalidArgument;
    if (spec.flags & Flags.private_root != 0) {
        if (spec.clone_flags & uapi.clone_newns == 0 or spec.view_count == 0) return error.InvalidArgument;
    } else if (spec.view_count != 0) return error.InvalidArgument;
    if (spec.view_count > 4096 or !table(buf.len, spec.view_off, spec.view_count, @sizeOf(ViewEntry), 4)) return error.RecordOutOfBounds;
    if (spec.root_access != 0 and (spec.flags & Flags.private_root == 0 or spec.landlock_fd < 0)) return error.InvalidArgument;
    if (spec.flags & Flags.init != 0) {
        if (spec.clone_flags & uapi.clone_newpid == 0) return error.InvalidArgument; // pid 1 of its own namespace only
        if (!isCString(buf, spec.init_off)) return error.RecordOutOfBounds;
    } else if (spec.init_off != 0) return error.InvalidArgument;
    if (spec.flags & Flags.init_status != 0) {
        if (spec.flags & Flags.init == 0 or spec.init_status_fd < 0) return error.InvalidArgument;
    } else if (spec.init_status_fd != 0) return error.InvalidArgument;
    if (spec.flags & Flags.warm != 0) {
        // cordon-init waits for the command: it must be pid 1, and it confines nothing after its exec.
        if (spec.flags & Flags.init == 0 or spec.flags & (Flags.proc_self | Flags.notify) != 0 or spec.warm_fd < 0) return error.InvalidArgument;
    } else if (spec.warm_fd != 0) return error.InvalidArgument;
    if (spec.netns_off != 0) {
        // Made in the child's own network namespace, after lo is up: brought
        // up by the child, or already up in the namespace it joins (the
        // pool's loopback-up kind; in one with lo down the sockets fail).
        if (spec.flags & (Flags.loopback_up | Flags.join_netns) == 0) return error.InvalidArgument;
        if (spec.netns_off % 4 != 0 or !fits(buf.len, spec.netns_off, @sizeOf(netns_setup.Setup))) return error.RecordOutOfBounds;
        const n: *const netns_setup.Setup = @ptrCast(@alignCast(buf.ptr + spec.netns_off));
        if (n.channel < 0 or n.reserved != 0) return error.InvalidArgument;
        if (n.addrs_count > netns_setup.max_addrs or !table(buf.len, n.addrs_off, n.addrs_count, @sizeOf(netns_setup.Addr), 4)) return error.RecordOutOfBounds;
        if (n.sockets_count > netns_setup.max_sockets or !table(buf.len, n.sockets_off, n.sockets_count, @sizeOf(netns_setup.Socket), 4)) return error.RecordOutOfBounds;
    }
    if (spec.clone_flags & uapi.clone_newuser != 0) {
        if (!isCString(buf, spec.uid_map_off) or !isCString(buf, spec.gid_map_off)) return error.RecordOutOfBounds;
    }
    const c: Checked = .{ .spec = spec, .out = out, .base = buf.ptr };
    for (c.items(FdMap, spec.fds_off, spec.fds_count)) |m| if ((m.parent < 0 and m.parent != dev_null) or m.child < 0 or m.child > 1 << 20) return error.InvalidArgument;
    if (spec.netns_off != 0) {
        const n = c.netns();
        if (!netns_setup.valid(c.items(netns_setup.Addr, n.addrs_off, n.addrs_count), c.items(netns_setup.Socket, n.sockets_off, n.sockets_count))) return error.InvalidArgument;
    }
    for (c.items(Rlimit, spec.rlimits_off, spec.rlimits_count)) |r| {
        if (r.resource >= 16 or r.reserved != 0 or r.cur > r.max) return error.InvalidArgument;
    }
    for (c.items(ViewEntry, spec.view_off, spec.view_count)) |e| {
        if (e.kind < 1 or e.kind > 12) return error.InvalidArgument;
        // same_as (fd + 1) only on binds (dir, file, dir_ro, file_ro) and deny;
        // landlock rights on the mount kinds (tmpfs, devpts, cgroup, cgroup2), with a ruleset.
        const checked = e.kind == 1 or e.kind == 2 or e.kind == 5 or e.kind == 6 or e.kind == 8;
        const mounts = e.kind >= 9;
        if (e.same_as != 0 and checked and e.same_as > 1 << 31) return error.InvalidArgument;
        if (e.same_as != 0 and mounts and (spec.landlock_fd < 0 or e.same_as >= 1 << 17)) return error.InvalidArgument;
        if (e.same_as != 0 and !checked and !mounts) return error.InvalidArgument;
        if (!isCString(buf, e.path_off) or buf[e.path_off] != '/') return error.RecordOutOfBounds;
        if (e.kind == 3 and !isCString(buf, e.target_off)) return error.RecordOutOfBounds;
        // The mount kinds' options, when given.
        if (mounts and e.target_off != 0 and !isCString(buf, e.target_off)) return error.RecordOutOfBounds;
    }
    // The argv/envp tables are checked here too (into a throwaway walk) so
    // that a malformed record is refused before cordon maps any memory.
    if (spec.argv_off % 8 != 0 or !fits(buf.len, spec.argv_off, (@as(u64, spec.argc) + 1) * 8)) return error.RecordOutOfBounds;
    if (spec.envp_off % 8 != 0 or !fits(buf.len, spec.envp_off, (@as(u64, spec.envc) + 1) * 8)) return error.RecordOutOfBounds;
    return c;
}

/// Fills the argv and envp pointer arrays into `mem` (pointerBytes long),
/// checking every string offset on the way.
pub fn fillPointers(c: *Checked, buf: []const u8, mem: [*]?[*:0]const u8) abi.Failure!void {
    if (!fillTable(buf, c.spec.argv_off, c.spec.argc, mem)) return error.RecordOutOfBounds;
    const envp = mem + c.spec.argc + 1;
    if (!fillTable(buf, c.spec.envp_off, c.spec.envc, envp)) return error.RecordOutOfBounds;
    c.argv = mem;
    c.envp = envp;
}

const testing = @import("std").testing;

/// Whether check() takes a minimal record ("/bin/true", argv ["true"], no
/// env) with these flags, clone flags, netns_fd and reserved word, and with
/// `setup` an empty netns set-up record (netns_off).
fn accepted(flags: u32, clone_flags: u64, netns_fd: i32, reserved: u32, setup: bool) bool {
    var buf: [256]u8 align(8) = @splat(0);
    const h: *Spec = @ptrCast(&buf);
    h.struct_size = @sizeOf(Spec);
    h.abi_version = @intCast(abi.version);
    h.cgroup_fd = -1;
    h.landlock_fd = -1;
    h.notify_sock = -1;
    h.flags = flags;
    h.clone_flags = clone_flags;
    h.netns_fd = netns_fd;
    h.reserved = reserved;
    const base: u32 = @sizeOf(Spec);
    @memcpy(buf[base .. base + 15], "/bin/true\x00true\x00");
    h.path_off = base;
    h.argc = 1;
    h.argv_off = base + 16; // [argv0, 0]
    @as(*align(1) u64, @ptrCast(&buf[base + 16])).* = base + 10;
    h.envp_off = base + 32; // [0]
    if (setup) h.netns_off = base + 40; // channel 0, no addresses, no sockets
    _ = check(buf[0 .. base + 40 + @sizeOf(netns_setup.Setup)]) catch return false;
    return true;
}

test "JOIN_NETNS: needs an fd, and neither CLONE_NEWNET nor CLONE_NEWUSER; netns_fd is -1 without it; LOOPBACK_UP takes it as the child's own namespace; netns_off needs LOOPBACK_UP or a namespace joined (lo up there already)" {
    const join = Flags.join_netns;
    const lo = Flags.loopback_up;
    const cases = [_]struct { flags: u32, clone: u64, fd: i32, reserved: u32 = 0, setup: bool = false, ok: bool }{
        .{ .flags = 0, .clone = 0, .fd = no_netns_fd, .ok = true },
        .{ .flags = join | lo, .clone = uapi.clone_newpid | uapi.clone_newns, .fd = 5, .ok = true },
        .{ .flags = lo, .clone = uapi.clone_newnet, .fd = no_netns_fd, .ok = true },
        // A new network namespace as well, a new user namespace, no fd.
        .{ .flags = join, .clone = uapi.clone_newnet, .fd = 5, .ok = false },
        .{ .flags = join, .clone = uapi.clone_newuser, .fd = 5, .ok = false },
        .{ .flags = join, .clone = 0, .fd = -1, .ok = false },
        // An fd without the flag, the reserved word set, lo up with no namespace of its own.
        .{ .flags = 0, .clone = 0, .fd = 5, .ok = false },
        .{ .flags = 0, .clone = 0, .fd = no_netns_fd, .reserved = 1, .ok = false },
        .{ .flags = lo, .clone = 0, .fd = no_netns_fd, .ok = false },
        // The relay's set-up: after the child's own lo up, or in a joined namespace (the pool's loopback-up kind).
        .{ .flags = lo, .clone = uapi.clone_newnet, .fd = no_netns_fd, .setup = true, .ok = true },
        .{ .flags = join, .clone = uapi.clone_newpid, .fd = 5, .setup = true, .ok = true },
        .{ .flags = join | lo, .clone = uapi.clone_newpid, .fd = 5, .setup = true, .ok = true },
        // Neither: a new namespace whose lo nobody brings up, or none of its own.
        .{ .flags = 0, .clone = uapi.clone_newnet, .fd = no_netns_fd, .setup = true, .ok = false },
        .{ .flags = 0, .clone = 0, .fd = no_netns_fd, .setup = true, .ok = false },
    };
    for (cases) |c| try testing.expectEqual(c.ok, accepted(c.flags, c.clone, c.fd, c.reserved, c.setup));
}
