//! Filesystems of the sandbox's own that a private root mounts among its
//! entries: a tmpfs (/dev/shm), a new devpts instance (/dev/pts) and the
//! sandbox's own cgroups, read-only, seen through a cgroup namespace. Each
//! is a new filesystem, which no landlock rule made in the parent can name:
//! the entry's rights are added beneath it here, before restrict.
//! Runs in the CLONE_VM child (see spawn_child.zig): raw syscalls only.
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const landlock = @import("landlock.zig");
const linux = sys.linux;


pub const Kind = enum { tmpfs, devpts, cgroup1, cgroup2 };

/// What one build has done already: the cgroup namespace is entered once.
pub const State = struct {
    cgroup_ns: bool = false,
};

/// Mounts `kind` on `path` (an existing directory) with `options` (the
/// kernel's data string), then grants `access` beneath it in `ruleset`.
/// tmpfs and devpts are writable (no exec, no set-id, no device files but
/// devpts' own); the cgroup mounts are read-only. The cgroup namespace is
/// entered first: this child has joined every cgroup of its sandbox by now
/// (clone3 or cgroup.procs), so the namespace's root is the sandbox's own
/// cgroup in each hierarchy, and /proc/self/cgroup reads "/".
pub fn mount(state: *State, kind: Kind, path: [*:0]const u8, options: [*:0]const u8, ruleset: i32, access: u32) usize {
    const base = uapi.ms_nosuid | uapi.ms_noexec;
    const rc = switch (kind) {
        .tmpfs => linux.syscall5(.mount, @intFromPtr("tmpfs"), @intFromPtr(path), @intFromPtr("tmpfs"), base | uapi.ms_nodev, @intFromPtr(options)),
        .devpts => linux.syscall5(.mount, @intFromPtr("devpts"), @intFromPtr(path), @intFromPtr("devpts"), base, @intFromPtr(options)),
        .cgroup1, .cgroup2 => blk: {
            if (!state.cgroup_ns) {
                const u = linux.syscall1(.unshare, uapi.clone_newcgroup);
                if (sys.isError(u)) break :blk u;
                state.cgroup_ns = true;
            }
            const fs: [*:0]const u8 = if (kind == .cgroup2) "cgroup2" else "cgroup";
            break :blk linux.syscall5(.mount, @intFromPtr(fs), @intFromPtr(path), @intFromPtr(fs), base | uapi.ms_nodev | uapi.ms_rdonly, @intFromPtr(options));
        },
    };
    if (sys.isError(rc) or access == 0) return rc;
    return landlock.addRuleAt(ruleset, path, access, false);
}
