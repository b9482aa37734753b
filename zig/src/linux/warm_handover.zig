//! The caller's side of a warm sandbox's handover
//! (cordon_linux_warm_handover): the request goes to the waiting cordon-init
//! with its fds as SCM_RIGHTS, then the reply is read. Both block, briefly:
//! cordon-init only starts the command (clone, dup3, chdir, execve) between
//! the two. A waiting process that is gone reads as ChildDied.
const std = @import("std");
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const header = @import("../header.zig");
const req = @import("warm_request.zig");
const linux = sys.linux;

comptime {
    header.expectLayout(req.Header, header.c.struct_cordon_linux_warm_request);
    header.expectLayout(req.Reply, header.c.struct_cordon_linux_warm_reply);
    const h = header.c;
    if (req.magic != h.CORDON_WARM_MAGIC or req.max_size != h.CORDON_WARM_MAX_SIZE or req.max_strings != h.CORDON_WARM_MAX_STRINGS or
        req.max_fds != h.CORDON_WARM_MAX_FDS or req.flag_cwd != h.CORDON_WARM_CWD or req.refused != h.CORDON_WARM_REFUSED)
        @compileError("warm_request.zig disagrees with cordon_linux_spawn.h");
}

const msg_nosignal: u32 = 0x4000;
/// struct cmsghdr (len, level, type) before the fds.
const cmsg_header: usize = 16;

/// EPIPE, ECONNRESET: the other end was closed, i.e. the waiting process died.
fn gone(rc: usize) bool {
    const s = sys.status(rc);
    return s == -32 or s == -104; // EPIPE, ECONNRESET (the same on x86_64 and aarch64)
}

pub fn handover(sock: i32, request: []const u8, fds: []align(1) const i32, reply: *req.Reply) abi.Status {
    if (sock < 0 or request.len < @sizeOf(req.Header) or fds.len > req.max_fds) return abi.Error.invalid_argument.status();
    const h: req.Header = @as(*align(1) const req.Header, @ptrCast(request.ptr)).*;
    if (!req.checkHeader(&h, fds.len) or h.size != request.len) return abi.Error.invalid_argument.status();
    for (fds) |fd| if (fd < 0) return abi.Error.invalid_argument.status();
    const s: usize = @as(u32, @bitCast(sock));

    var control: [cmsg_header + 4 * req.max_fds]u8 align(8) = @splat(0);
    const used = cmsg_header + 4 * fds.len;
    @as(*align(1) u64, @ptrCast(&control[0])).* = used;
    @as(*align(1) i32, @ptrCast(&control[8])).* = 1; // SOL_SOCKET
    @as(*align(1) i32, @ptrCast(&control[12])).* = 1; // SCM_RIGHTS
    for (fds, 0..) |fd, i| @as(*align(1) i32, @ptrCast(&control[cmsg_header + 4 * i])).* = fd;

    // The fds go with the first bytes; a stream socket may take the rest in more sends.
    var sent: usize = 0;
    while (sent < request.len) {
        var iov = [1]std.posix.iovec_const{.{ .base = request.ptr + sent, .len = request.len - sent }};
        const first = sent == 0;
        const msg: linux.msghdr_const = .{
            .name = null, .namelen = 0, .iov = &iov, .iovlen = 1,
            .control = if (first) &control else null,
            .controllen = if (first) (used + 7) & ~@as(usize, 7) else 0,
            .flags = 0,
        };
        const rc = linux.syscall3(.sendmsg, s, @intFromPtr(&msg), msg_nosignal);
        if (sys.isError(rc)) {
            if (sys.status(rc) == -uapi.e.INTR) continue;
            return if (gone(rc)) abi.Error.child_died.status() else sys.status(rc);
        }
        sent += rc;
    }

    const out = std.mem.asBytes(reply);
    var got: usize = 0;
    while (got < out.len) {
        const rc = linux.syscall3(.read, s, @intFromPtr(out.ptr + got), out.len - got);
        if (sys.isError(rc)) {
            if (sys.status(rc) == -uapi.e.INTR) continue;
            return if (gone(rc)) abi.Error.child_died.status() else sys.status(rc);
        }
        if (rc == 0) return abi.Error.child_died.status(); // EOF: it died before answering
        got += rc;
    }
    if (reply.step == 0) return 0;
    // A failing step's errno; an answer without one is not an answer.
    if (reply.@"error" <= 0 or reply.@"error" >= 4096) return abi.Error.child_died.status();
    return -reply.@"error";
}
