//! Spawn exports (cordon_linux_spawn.h).
const abi = @import("../abi.zig");
const sys = @import("../linux/sys.zig");
const uapi = @import("../linux/uapi.zig");
const spawn = @import("../linux/spawn.zig");
const waiter = @import("../linux/waiter.zig");
const warm_handover = @import("../linux/warm_handover.zig");
const warm_request = @import("../linux/warm_request.zig");

export fn cordon_linux_spawn(spec: [*]u8, spec_len: usize) abi.Status {
    return spawn.spawn(spec[0..spec_len]);
}

export fn cordon_linux_exit_watcher_start() abi.Status {
    return waiter.start();
}

export fn cordon_linux_exit_watch(pidfd: i32, channel: i32) abi.Status {
    return waiter.watch(pidfd, channel);
}

export fn cordon_linux_pidfd_reap(pidfd: i32) abi.Status {
    if (pidfd < 0) return abi.Error.invalid_argument.status();
    return spawn.reap(pidfd);
}

export fn cordon_linux_pidfd_send_signal(pidfd: i32, sig: i32) abi.Status {
    if (pidfd < 0 or sig < 0 or sig > 64) return abi.Error.invalid_argument.status();
    return sys.status(sys.linux.syscall4(.pidfd_send_signal, @as(u32, @bitCast(pidfd)), @as(u32, @bitCast(sig)), 0, 0));
}

export fn cordon_linux_pipe2(fds: [*]u8, fds_len: usize, flags: u32) abi.Status {
    if (fds_len != 8) return abi.Error.invalid_argument.status();
    const allowed: u32 = uapi.o_cloexec | uapi.o_nonblock;
    if (flags & ~allowed != 0) return abi.Error.invalid_argument.status();
    return sys.status(sys.linux.syscall2(.pipe2, @intFromPtr(fds), flags));
}

export fn cordon_linux_socketpair(fds: [*]u8, fds_len: usize, flags: u32) abi.Status {
    if (fds_len != 8) return abi.Error.invalid_argument.status();
    const allowed: u32 = uapi.sock_cloexec | uapi.sock_nonblock;
    if (flags & ~allowed != 0) return abi.Error.invalid_argument.status();
    return sys.status(sys.linux.syscall4(.socketpair, 1, 1 | flags, 0, @intFromPtr(fds))); // AF_UNIX, SOCK_STREAM
}

export fn cordon_linux_warm_handover(sock: i32, request: [*]const u8, len: usize, fds: [*]const u8, nfds: u32, reply: [*]u8, reply_len: usize) abi.Status {
    if (reply_len != @sizeOf(warm_request.Reply) or nfds > warm_request.max_fds) return abi.Error.invalid_argument.status();
    const fd_list: []align(1) const i32 = @as([*]align(1) const i32, @ptrCast(fds))[0..nfds];
    var r: warm_request.Reply = .{ .step = 0, .@"error" = 0 };
    const rc = warm_handover.handover(sock, request[0..len], fd_list, &r);
    @memcpy(reply[0..reply_len], @import("std").mem.asBytes(&r));
    return rc;
}
