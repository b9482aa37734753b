//! Linux kernel constants, in one place: the kernel's own uapi headers as Zig
//! ships them for the target's architecture (zig/tools/linux_uapi.h through
//! translate-c; build.zig adds it as the module `linux_uapi`). The few the
//! kernel keeps out of its uapi headers (socket families and flags, umount
//! flags) come from Zig std, whose values are the kernel's too. Values are
//! comptime integers, so each use site gets the width its syscall takes;
//! AT_FDCWD, negative, is also given as the raw register value.
const std = @import("std");
const k = @import("linux_uapi");

// open(2), fcntl(2), *at(2)
pub const o_rdonly: comptime_int = k.O_RDONLY;
pub const o_wronly: comptime_int = k.O_WRONLY;
pub const o_rdwr: comptime_int = k.O_RDWR;
pub const o_accmode: comptime_int = k.O_ACCMODE;
pub const o_nonblock: comptime_int = k.O_NONBLOCK;
pub const o_cloexec: comptime_int = k.O_CLOEXEC;
pub const o_path: comptime_int = k.O_PATH;
pub const o_directory: comptime_int = k.O_DIRECTORY;
pub const f_getfl: comptime_int = k.F_GETFL;
pub const f_dupfd_cloexec: comptime_int = k.F_DUPFD_CLOEXEC;
pub const at_fdcwd_fd: comptime_int = k.AT_FDCWD;
/// AT_FDCWD as a syscall argument.
pub const at_fdcwd: usize = @bitCast(@as(isize, k.AT_FDCWD));
pub const at_symlink_nofollow: comptime_int = k.AT_SYMLINK_NOFOLLOW;
pub const at_removedir: comptime_int = k.AT_REMOVEDIR;
pub const at_empty_path: comptime_int = k.AT_EMPTY_PATH;
pub const at_recursive: comptime_int = k.AT_RECURSIVE;
pub const close_range_cloexec: comptime_int = k.CLOSE_RANGE_CLOEXEC;

// mount(2) and the new mount API
pub const ms_rdonly: comptime_int = k.MS_RDONLY;
pub const ms_nosuid: comptime_int = k.MS_NOSUID;
pub const ms_nodev: comptime_int = k.MS_NODEV;
pub const ms_noexec: comptime_int = k.MS_NOEXEC;
pub const ms_remount: comptime_int = k.MS_REMOUNT;
pub const ms_bind: comptime_int = k.MS_BIND;
pub const ms_rec: comptime_int = k.MS_REC;
pub const ms_private: comptime_int = k.MS_PRIVATE;
pub const mnt_detach: comptime_int = std.os.linux.MNT.DETACH;
pub const open_tree_clone: comptime_int = k.OPEN_TREE_CLONE;
pub const move_mount_f_empty_path: comptime_int = k.MOVE_MOUNT_F_EMPTY_PATH;
pub const mount_attr_rdonly: comptime_int = k.MOUNT_ATTR_RDONLY;

// clone3(2), waitid(2), signals
pub const clone_vm: comptime_int = k.CLONE_VM;
pub const clone_vfork: comptime_int = k.CLONE_VFORK;
pub const clone_pidfd: comptime_int = k.CLONE_PIDFD;
pub const clone_into_cgroup: comptime_int = k.CLONE_INTO_CGROUP;
pub const clone_newns: comptime_int = k.CLONE_NEWNS;
pub const clone_newcgroup: comptime_int = k.CLONE_NEWCGROUP;
pub const clone_newuts: comptime_int = k.CLONE_NEWUTS;
pub const clone_newipc: comptime_int = k.CLONE_NEWIPC;
pub const clone_newuser: comptime_int = k.CLONE_NEWUSER;
pub const clone_newpid: comptime_int = k.CLONE_NEWPID;
pub const clone_newnet: comptime_int = k.CLONE_NEWNET;
pub const sigkill: comptime_int = k.SIGKILL;
pub const sigchld: comptime_int = k.SIGCHLD;
pub const sig_setmask: comptime_int = k.SIG_SETMASK;
pub const wnohang: comptime_int = k.WNOHANG;
pub const wexited: comptime_int = k.WEXITED;
pub const wall: comptime_int = k.__WALL;
pub const p_pidfd: comptime_int = k.P_PIDFD;

// prctl(2)
pub const pr_set_pdeathsig: comptime_int = k.PR_SET_PDEATHSIG;
pub const pr_set_no_new_privs: comptime_int = k.PR_SET_NO_NEW_PRIVS;
pub const pr_set_securebits: comptime_int = k.PR_SET_SECUREBITS;
pub const pr_capbset_drop: comptime_int = k.PR_CAPBSET_DROP;
pub const pr_cap_ambient: comptime_int = k.PR_CAP_AMBIENT;
pub const pr_cap_ambient_clear_all: comptime_int = k.PR_CAP_AMBIENT_CLEAR_ALL;

// epoll, eventfd, mmap
pub const epoll_ctl_add: comptime_int = k.EPOLL_CTL_ADD;
pub const epoll_ctl_mod: comptime_int = k.EPOLL_CTL_MOD;
pub const epollin: comptime_int = k.EPOLLIN;
pub const epollout: comptime_int = k.EPOLLOUT;
pub const epolloneshot: comptime_int = k.EPOLLONESHOT;
pub const efd_nonblock: comptime_int = k.EFD_NONBLOCK;
pub const map_noreserve: comptime_int = k.MAP_NORESERVE;

// sockets (outside the uapi headers: Zig std)
pub const af_inet: comptime_int = std.os.linux.AF.INET;
pub const af_inet6: comptime_int = std.os.linux.AF.INET6;
pub const af_netlink: comptime_int = std.os.linux.AF.NETLINK;
pub const sock_nonblock: comptime_int = std.os.linux.SOCK.NONBLOCK;
pub const sock_cloexec: comptime_int = std.os.linux.SOCK.CLOEXEC;
pub const msg_dontwait: comptime_int = std.os.linux.MSG.DONTWAIT;
pub const msg_nosignal: comptime_int = std.os.linux.MSG.NOSIGNAL;
pub const msg_cmsg_cloexec: comptime_int = std.os.linux.MSG.CMSG_CLOEXEC;

/// errno values (asm/errno.h), positive: a raw return of -E is `-uapi.e.NAME`.
pub const e = struct {
    pub const PERM: comptime_int = k.EPERM;
    pub const NOENT: comptime_int = k.ENOENT;
    pub const SRCH: comptime_int = k.ESRCH;
    pub const CHILD: comptime_int = k.ECHILD;
    pub const INTR: comptime_int = k.EINTR;
    pub const NOEXEC: comptime_int = k.ENOEXEC;
    pub const BADF: comptime_int = k.EBADF;
    pub const AGAIN: comptime_int = k.EAGAIN;
    pub const ACCES: comptime_int = k.EACCES;
    pub const EXIST: comptime_int = k.EEXIST;
    pub const NOTDIR: comptime_int = k.ENOTDIR;
    pub const INVAL: comptime_int = k.EINVAL;
    pub const NOSYS: comptime_int = k.ENOSYS;
    pub const OPNOTSUPP: comptime_int = k.EOPNOTSUPP;
    pub const NOBUFS: comptime_int = k.ENOBUFS;
    pub const MFILE: comptime_int = k.EMFILE;
    pub const NFILE: comptime_int = k.ENFILE;
    pub const STALE: comptime_int = k.ESTALE;
};

/// -errno as a raw syscall return (what a failed syscall leaves in the register).
pub fn rawError(comptime errno: comptime_int) usize {
    return @bitCast(@as(isize, -errno));
}
