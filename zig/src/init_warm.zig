//! cordon-init --warm FD: a warm sandbox waiting for its one command. Every
//! restriction is in place already (cordon's spawn child applied them before
//! exec'ing this): one request comes over FD (linux/warm_request.zig), the
//! command is started as this process's child with the request's fds, cwd,
//! argv and environment, the reply goes back, FD is closed, and the caller
//! adopts the command as --adopt does. Anything short, malformed or too
//! large, or EOF, ends this process with warm_request.refused: nothing runs.
const std = @import("std");
const linux = std.os.linux;
const wreq = @import("linux/warm_request.zig");

/// The request as received: bss, touched only as far as the request goes.
var buffer: [wreq.max_size]u8 align(8) = undefined;
/// argv and envp pointer arrays (with their terminating nulls).
var pointers: [wreq.max_strings + 2]?[*:0]const u8 = undefined;
/// The command's stack while it runs on this memory (CLONE_VFORK: this process waits).
var stack: [16 * 1024]u8 align(16) = undefined;

/// What the command's side reports back through shared memory (CLONE_VM).
var failed_step: u32 = 0;
var failed_errno: i32 = 0;

/// Steps a reply names (CORDON_SPAWN_STEP_* of cordon_linux_spawn.h).
const step_fds: u32 = 5;
const step_chdir: u32 = 7;
const step_execve: u32 = 16;
const step_start_command: u32 = 22;

const msg_cmsg_cloexec: u32 = 0x40000000;
const msg_ctrunc: u32 = 0x8;
const f_dupfd_cloexec: usize = 1030;
const f_setfd: usize = 2;

fn isError(rc: usize) bool {
    const s: isize = @bitCast(rc);
    return s < 0 and s > -4096;
}

fn refuse() noreturn {
    linux.exit_group(wreq.refused);
}

/// One request read from `sock`; the fds that came with it (close-on-exec) in `fds`.
fn receive(sock: usize, fds: *[wreq.max_fds]i32) struct { wreq.Request, usize } {
    var control: [16 + 4 * wreq.max_fds]u8 align(8) = @splat(0);
    var iov = [1]std.posix.iovec{.{ .base = &buffer, .len = buffer.len }};
    var msg: linux.msghdr = .{ .name = null, .namelen = 0, .iov = &iov, .iovlen = 1, .control = &control, .controllen = control.len, .flags = 0 };
    var got: usize = while (true) {
        const rc = linux.syscall3(.recvmsg, sock, @intFromPtr(&msg), msg_cmsg_cloexec);
        if (isError(rc) and -@as(isize, @bitCast(rc)) == 4) continue; // EINTR
        if (isError(rc) or rc == 0) refuse();
        break rc;
    };
    // Exactly one SCM_RIGHTS message, whole.
    if (msg.flags & msg_ctrunc != 0 or msg.controllen < 16) refuse();
    const len = @as(*align(1) const u64, @ptrCast(&control[0])).*;
    const level = @as(*align(1) const i32, @ptrCast(&control[8])).*;
    const kind = @as(*align(1) const i32, @ptrCast(&control[12])).*;
    if (level != 1 or kind != 1 or len < 16 or len > msg.controllen or (len - 16) % 4 != 0) refuse();
    const count: usize = @intCast((len - 16) / 4);
    if (count > wreq.max_fds or msg.controllen > ((len + 7) & ~@as(u64, 7))) refuse();
    for (0..count) |i| fds[i] = @as(*align(1) const i32, @ptrCast(&control[16 + 4 * i])).*;

    // The rest of the header, then the rest of the request; nothing beyond it.
    while (got < @sizeOf(wreq.Header)) got += more(sock, got, buffer.len);
    const h: wreq.Header = @as(*align(1) const wreq.Header, @ptrCast(&buffer)).*;
    if (!wreq.checkHeader(&h, count) or got > h.size) refuse();
    while (got < h.size) got += more(sock, got, h.size);
    const r = wreq.decode(buffer[0..h.size], &pointers) orelse refuse();
    return .{ r, count };
}

/// Reads what follows `at` (up to `end`); EOF or an error refuses.
fn more(sock: usize, at: usize, end: usize) usize {
    while (true) {
        const rc = linux.syscall3(.read, sock, @intFromPtr(&buffer) + at, end - at);
        if (isError(rc) and -@as(isize, @bitCast(rc)) == 4) continue;
        if (isError(rc) or rc == 0) refuse();
        return rc;
    }
}

const Start = struct { req: *const wreq.Request, fds: []const i32 };

/// The command's side: fds placed (every source lifted above every target
/// first), chdir, an empty mask, execve. Nothing is written but the failure.
fn startCommand(arg: usize) callconv(.c) u8 {
    const s: *const Start = @ptrFromInt(arg);
    var floor: usize = 3;
    for (s.req.targets) |t| floor = @max(floor, @as(usize, @intCast(t)) + 1);
    var lifted: [wreq.max_fds]usize = undefined;
    for (s.fds, 0..) |fd, i| {
        const rc = linux.syscall3(.fcntl, @as(u32, @bitCast(fd)), f_dupfd_cloexec, floor);
        if (isError(rc)) fail(step_fds, rc);
        lifted[i] = rc;
    }
    for (s.req.targets, 0..) |t, i| {
        const rc = linux.syscall3(.dup3, lifted[i], @as(u32, @bitCast(t)), 0);
        if (isError(rc)) fail(step_fds, rc);
    }
    if (s.req.cwd) |cwd| {
        const rc = linux.syscall1(.chdir, @intFromPtr(cwd));
        if (isError(rc)) fail(step_chdir, rc);
    }
    const zero: u64 = 0;
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&zero), 0, 8); // SIG_SETMASK
    @atomicStore(u32, &failed_step, 0, .release);
    const rc = linux.syscall3(.execve, @intFromPtr(s.req.path), @intFromPtr(s.req.argv), @intFromPtr(s.req.envp));
    fail(step_execve, rc);
}

fn fail(step: u32, rc: usize) noreturn {
    @atomicStore(i32, &failed_errno, @intCast(-@as(isize, @bitCast(rc))), .release);
    @atomicStore(u32, &failed_step, step, .release);
    linux.exit_group(127);
}

/// Serves the one request on `sock`: returns the command's pid once it has
/// exec'd (the reply sent, `sock` closed); exits 127 if it could not start.
pub fn serve(sock_fd: i32, status_fd: i32) i32 {
    const sock: usize = @as(u32, @bitCast(sock_fd));
    // Neither may reach the command: close-on-exec from here on (they came without).
    _ = linux.syscall3(.fcntl, sock, f_setfd, 1);
    if (status_fd >= 0) _ = linux.syscall3(.fcntl, @as(u32, @bitCast(status_fd)), f_setfd, 1);
    var fds: [wreq.max_fds]i32 = undefined;
    const got = receive(sock, &fds);
    const start: Start = .{ .req = &got[0], .fds = fds[0..got[1]] };
    // Until the command's execve succeeds, this says it has not (a death by signal included).
    failed_step = step_start_command;
    failed_errno = 0;
    const rc = linux.clone(startCommand, @intFromPtr(&stack) + stack.len, 0x100 | 0x4000 | 17, @intFromPtr(&start), null, 0, null); // CLONE_VM | CLONE_VFORK | SIGCHLD
    var reply: wreq.Reply = .{ .step = @atomicLoad(u32, &failed_step, .acquire), .@"error" = @atomicLoad(i32, &failed_errno, .acquire) };
    if (isError(rc)) reply = .{ .step = step_start_command, .@"error" = @intCast(-@as(isize, @bitCast(rc))) };
    // A command killed before its execve failed with no errno: say so as EINTR rather than success.
    if (reply.step != 0 and reply.@"error" == 0) reply.@"error" = 4;
    const bytes = std.mem.asBytes(&reply);
    _ = linux.syscall3(.write, sock, @intFromPtr(bytes), bytes.len);
    _ = linux.syscall1(.close, sock);
    for (start.fds) |fd| _ = linux.syscall1(.close, @as(u32, @bitCast(fd)));
    if (reply.step != 0) linux.exit_group(127);
    return @intCast(rc);
}
