//! A child's exit status after someone else reaped it: PIDFD_GET_INFO with
//! PIDFD_INFO_EXIT (Linux 6.15+). The kernel reaps a child itself when the
//! parent's SIGCHLD is SIG_IGN or SA_NOCLDWAIT (inherited across execve, so a
//! Bun started that way has every child auto-reaped), and waitid then fails
//! with ECHILD; pidfs keeps the status for the pidfd.
const sys = @import("sys.zig");
const linux = sys.linux;

/// struct pidfd_info (linux/pidfd.h), PIDFD_INFO_SIZE_VER0: 64 bytes.
const Info = extern struct {
    mask: u64 = 0,
    cgroupid: u64 = 0,
    pid: u32 = 0,
    tgid: u32 = 0,
    ppid: u32 = 0,
    ruid: u32 = 0,
    rgid: u32 = 0,
    euid: u32 = 0,
    egid: u32 = 0,
    suid: u32 = 0,
    sgid: u32 = 0,
    fsuid: u32 = 0,
    fsgid: u32 = 0,
    /// A wait status, as waitpid(2) reports it.
    exit_code: i32 = 0,
};

comptime {
    if (@sizeOf(Info) != 64) @compileError("pidfd_info VER0 is 64 bytes");
}

const pidfd_info_pid: u64 = 1 << 0;
const pidfd_info_exit: u64 = 1 << 3;
/// _IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, struct pidfd_info).
const pidfd_get_info: usize = (3 << 30) | (@sizeOf(Info) << 16) | (0xFF << 8) | 11;

pub const Exit = struct {
    pid: i32,
    /// CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3, as waitid's si_code.
    code: i32,
    /// Exit status or signal number, as waitid's si_status.
    status: i32,
};

pub const Answer = union(enum) {
    exit: Exit,
    /// The kernel has no status for the pidfd yet (not released yet).
    pending,
    /// No PIDFD_GET_INFO, or no PIDFD_INFO_EXIT (before 6.15).
    unsupported,
};

/// The exit of the reaped child behind `pidfd`.
pub fn exit(pidfd: u32) Answer {
    var info: Info = .{ .mask = pidfd_info_pid | pidfd_info_exit };
    const rc = linux.syscall3(.ioctl, pidfd, pidfd_get_info, @intFromPtr(&info));
    if (sys.isError(rc)) return switch (sys.status(rc)) {
        -25, -22, -95 => .unsupported, // ENOTTY, EINVAL, EOPNOTSUPP
        else => .pending, // ESRCH: gone, status not recorded yet
    };
    if (info.mask & pidfd_info_exit == 0) return .pending;
    return .{ .exit = decode(@bitCast(info.pid), info.exit_code) };
}

/// A wait status (exit code << 8, or the signal with 0x80 for a core dump) as si_code and si_status.
fn decode(pid: i32, ws: i32) Exit {
    const sig = ws & 0x7f;
    if (sig == 0) return .{ .pid = pid, .code = 1, .status = (ws >> 8) & 0xff };
    return .{ .pid = pid, .code = if (ws & 0x80 != 0) 3 else 2, .status = sig };
}

const testing = @import("std").testing;

test "wait statuses decode as waitid reports them" {
    try testing.expectEqual(Exit{ .pid = 5, .code = 1, .status = 7 }, decode(5, 7 << 8));
    try testing.expectEqual(Exit{ .pid = 5, .code = 1, .status = 0 }, decode(5, 0));
    try testing.expectEqual(Exit{ .pid = 5, .code = 2, .status = 9 }, decode(5, 9));
    try testing.expectEqual(Exit{ .pid = 5, .code = 3, .status = 11 }, decode(5, 11 | 0x80));
}

test "the ioctl number is the kernel's" {
    try testing.expectEqual(@as(usize, 0xC040FF0B), pidfd_get_info);
}
