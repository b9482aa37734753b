//! The seccomp notification supervisor of runs that asked for their denials
//! or to be learned from. The child installs its filter with a listener
//! (SECCOMP_FILTER_FLAG_NEW_LISTENER) and sends the listener's fd over a
//! socket pair before execve; one native thread epolls every run's listener
//! and answers each notification at once:
//!   - with the errno the run's own filter returns for that call (the
//!     program is evaluated here, bpf_eval.zig): a refused call stays refused;
//!   - otherwise with SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel runs the
//!     call as if no supervisor existed (landlock and the mounts still decide).
//! Before answering, it records the call (number, arguments, and the path
//! strings, directory paths and socket address the run's table names, read
//! from the caller's memory) as bytes for JavaScript. What is read is a
//! record, never an authority: the memory may change before the kernel
//! reads it, which matters for learning, not for enforcing. Records go out
//! without blocking: a channel that is full queues them here (the caller is
//! never held up by a busy event loop), and past `queue_max` they are
//! counted as lost.
const std = @import("std");
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;
const bpf = @import("bpf_eval.zig");
const thread = @import("thread.zig");

pub const frame_call: u16 = 1;
pub const frame_end: u16 = 2;
pub const frame_lost: u16 = 3;

/// Table entry bits (one u32 per syscall number below `table_len`).
pub const spec_paths: u32 = 0x3f; // args holding C-string paths
pub const spec_dirfds_shift: u5 = 8; // args holding the dirfd of the path after them
pub const spec_cwd: u32 = 1 << 14; // a relative path: the caller's cwd too
pub const spec_sockaddr_shift: u5 = 16; // 4 bits: sockaddr arg + 1; next 4: its length arg + 1
pub const spec_fd_shift: u5 = 24; // 4 bits: an fd arg + 1, resolved to its path
pub const table_len: usize = 1024;

const max_sessions = 64;
const queue_max: usize = 64 * 1024 * 1024;
const path_max: usize = 4096;

const ret_errno: u32 = 0x00050000;
const action_full: u32 = 0xffff0000;
const flag_continue: u32 = 1;

const Notif = extern struct { id: u64, pid: u32, flags: u32, data: [64]u8 };
const Resp = extern struct { id: u64, val: i64, @"error": i32, flags: u32 };
const notif_recv: u32 = 0xc0502100;
const notif_send: u32 = 0xc0182101;
const notif_set_flags: u32 = 0x40082104;

const Session = struct {
    in_use: bool = false,
    sock: i32 = -1,
    listener: i32 = -1,
    channel: i32 = -1,
    id: u32 = 0,
    prog: []bpf.Insn = &.{},
    table: []u32 = &.{},
    /// Bytes waiting for the channel, and how many were dropped past the cap.
    queue: []u8 = &.{},
    queued: usize = 0,
    lost: u32 = 0,
    ending: bool = false,
};

var sessions: [max_sessions]Session = @splat(.{});
var next_id: u32 = 1;
var epfd: i32 = -1;
var slot: thread.Slot = .{};
var lock_word: u32 = 0;

fn lock() void {
    while (@cmpxchgWeak(u32, &lock_word, 0, 1, .acquire, .monotonic) != null) _ = linux.syscall0(.sched_yield);
}

fn unlock() void {
    @atomicStore(u32, &lock_word, 0, .release);
}

fn mapBytes(n: usize) ?[]u8 {
    const mem = linux.syscall6(.mmap, 0, n, 0x3, 0x22, @bitCast(@as(isize, -1)), 0);
    if (sys.isError(mem)) return null;
    return @as([*]u8, @ptrFromInt(mem))[0..n];
}

fn unmap(b: []const u8) void {
    if (b.len > 0) _ = linux.syscall2(.munmap, @intFromPtr(b.ptr), b.len);
}

fn ctl(op: usize, fd: i32, events: u32, data: u64) usize {
    var ev: linux.epoll_event = .{ .events = events, .data = .{ .u64 = data } };
    return linux.syscall4(.epoll_ctl, @as(u32, @bitCast(epfd)), op, @as(u32, @bitCast(fd)), @intFromPtr(&ev));
}

/// Registers a run: `sock` receives its listener (sent by the child), records
/// go to `channel` (a non-blocking stream socket; both fds are the
/// supervisor's from now on), `prog` is the run's own filter (what a refused
/// call is answered with) and `table` the per-number record spec. Returns the
/// session id (> 0), which every frame of the run carries.
pub fn watch(sock: i32, channel: i32, prog: []const u8, table: []const u8) abi.Status {
    if (sock < 0 or channel < 0 or prog.len == 0 or prog.len % 8 != 0 or prog.len > 4096 * 8 or table.len != table_len * 4)
        return abi.Error.invalid_argument.status();
    lock();
    defer unlock();
    if (epfd < 0) {
        const ep = linux.syscall1(.epoll_create1, uapi.o_cloexec);
        if (sys.isError(ep)) return sys.status(ep);
        epfd = @intCast(ep);
    }
    if (!slot.busy()) {
        const rc = slot.start(&loop, 0);
        if (rc < 0) return rc;
    }
    const index = for (&sessions, 0..) |*s, i| {
        if (!s.in_use) break i;
    } else return -16; // EBUSY
    const prog_mem = mapBytes(prog.len) orelse return -12;
    const table_mem = mapBytes(table.len) orelse {
        unmap(prog_mem);
        return -12;
    };
    @memcpy(prog_mem, prog);
    @memcpy(table_mem, table);
    const s = &sessions[index];
    s.* = .{
        .in_use = true,
        .sock = sock,
        .channel = channel,
        .id = next_id,
        .prog = @as([*]bpf.Insn, @ptrCast(@alignCast(prog_mem.ptr)))[0 .. prog.len / 8],
        .table = @as([*]u32, @ptrCast(@alignCast(table_mem.ptr)))[0..table_len],
    };
    next_id +%= 1;
    if (next_id == 0) next_id = 1;
    const rc = ctl(1, sock, 1 | 0x10, key(s, index, 0)); // ADD, EPOLLIN | EPOLLHUP
    if (sys.isError(rc)) {
        release(s);
        return sys.status(rc);
    }
    return @intCast(s.id);
}

/// Frees a session's memory and closes its fds (lock held).
fn release(s: *Session) void {
    for ([_]i32{ s.sock, s.listener, s.channel }) |fd| if (fd >= 0) {
        _ = linux.syscall1(.close, @as(u32, @bitCast(fd)));
    };
    unmap(std.mem.sliceAsBytes(s.prog));
    unmap(std.mem.sliceAsBytes(s.table));
    unmap(s.queue);
    s.* = .{};
}

/// Epoll data of one of a session's fds: its id (a slot reused meanwhile is told apart), slot and kind.
fn key(s: *const Session, index: usize, kind: u64) u64 {
    return (@as(u64, s.id) << 32) | (index << 2) | kind;
}

fn indexOf(s: *const Session) usize {
    return (@intFromPtr(s) - @intFromPtr(&sessions)) / @sizeOf(Session);
}

fn loop(_: usize) callconv(.c) u8 {
    var events: [16]linux.epoll_event = undefined;
    while (true) {
        const n = linux.syscall6(.epoll_pwait, @as(u32, @bitCast(epfd)), @intFromPtr(&events), events.len, @bitCast(@as(isize, -1)), 0, 8);
        if (sys.isError(n)) continue;
        for (events[0..n]) |ev| {
            const index: usize = @intCast((ev.data.u64 & 0xffff_ffff) >> 2);
            const kind = ev.data.u64 & 3;
            if (index >= max_sessions) continue;
            lock();
            const s = &sessions[index];
            if (s.in_use and s.id == @as(u32, @truncate(ev.data.u64 >> 32))) switch (kind) {
                0 => receiveListener(s, index, ev.events),
                1 => serve(s, ev.events),
                else => flush(s),
            };
            unlock();
        }
    }
}

/// The child's message on `sock`: one byte and the listener fd. A hang-up
/// without it (the child died first) ends the run's session.
fn receiveListener(s: *Session, index: usize, events: u32) void {
    var byte: u8 = 0;
    var iov = [1]std.posix.iovec{.{ .base = @ptrCast(&byte), .len = 1 }};
    var control: [24]u8 align(8) = @splat(0);
    var msg: linux.msghdr = .{ .name = null, .namelen = 0, .iov = &iov, .iovlen = 1, .control = &control, .controllen = control.len, .flags = 0 };
    const rc = linux.syscall3(.recvmsg, @as(u32, @bitCast(s.sock)), @intFromPtr(&msg), uapi.msg_dontwait | uapi.msg_cmsg_cloexec);
    if (!sys.isError(rc) and rc == 1 and msg.controllen >= 20) {
        const level = std.mem.readInt(i32, control[8..12], .little);
        const kind = std.mem.readInt(i32, control[12..16], .little);
        if (level == 1 and kind == 1) { // SOL_SOCKET, SCM_RIGHTS
            s.listener = std.mem.readInt(i32, control[16..20], .little);
            // The caller and this thread hand the CPU to each other on every call (6.6+; older kernels refuse, harmlessly).
            const sync_wake_up: u64 = 1; // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
            _ = linux.syscall3(.ioctl, @as(u32, @bitCast(s.listener)), notif_set_flags, sync_wake_up);
            _ = ctl(2, s.sock, 0, 0); // DEL
            _ = linux.syscall1(.close, @as(u32, @bitCast(s.sock)));
            s.sock = -1;
            _ = ctl(1, s.listener, 1, key(s, index, 1)); // EPOLLIN (HUP always reported)
            return;
        }
    }
    if (events & (0x10 | 0x8) != 0 or !sys.isError(rc)) end(s);
}

/// No more notifications will come: the END frame, then the session goes once its queue is out.
fn end(s: *Session) void {
    if (s.sock >= 0) {
        _ = ctl(2, s.sock, 0, 0);
        _ = linux.syscall1(.close, @as(u32, @bitCast(s.sock)));
        s.sock = -1;
    }
    if (s.listener >= 0) {
        _ = ctl(2, s.listener, 0, 0);
        _ = linux.syscall1(.close, @as(u32, @bitCast(s.listener)));
        s.listener = -1;
    }
    if (s.lost > 0) {
        var lost: [8]u8 = undefined;
        std.mem.writeInt(u32, lost[0..4], s.id, .little);
        std.mem.writeInt(u32, lost[4..8], s.lost, .little);
        s.lost = 0;
        put(s, frame_lost, &.{&lost});
    }
    var id: [4]u8 = undefined;
    std.mem.writeInt(u32, &id, s.id, .little);
    // Ending first: the flush that empties the queue releases the session (do not touch it after).
    s.ending = true;
    put(s, frame_end, &.{&id});
    flush(s);
}

fn serve(s: *Session, events: u32) void {
    if (events & 1 == 0) return end(s);
    var n: Notif = std.mem.zeroes(Notif);
    const rc = linux.syscall3(.ioctl, @as(u32, @bitCast(s.listener)), notif_recv, @intFromPtr(&n));
    if (sys.isError(rc)) return; // ENOENT: the caller died while waiting
    const ret = bpf.run(s.prog, &n.data);
    var resp: Resp = .{ .id = n.id, .val = 0, .@"error" = 0, .flags = flag_continue };
    var answer: u32 = 0;
    if (ret & action_full == ret_errno) {
        answer = ret & 0xffff;
        resp = .{ .id = n.id, .val = 0, .@"error" = -@as(i32, @intCast(@min(answer, 4095))), .flags = 0 };
    } else if (ret & action_full != 0x7fff0000 and ret & action_full != 0x7ffc0000) {
        // Anything but allow or log (no such rule reaches here): refuse rather than run it.
        answer = 1;
        resp = .{ .id = n.id, .val = 0, .@"error" = -1, .flags = 0 };
    }
    // Recorded (memory read) before the answer, sent after it: the caller waits for neither the channel nor JavaScript.
    record(s, &n, answer);
    _ = linux.syscall3(.ioctl, @as(u32, @bitCast(s.listener)), notif_send, @intFromPtr(&resp));
    flush(s);
}

/// One call frame: u32 session, u32 pid, i32 nr, u32 arch, u32 errno answered
/// (0: continued), u32 string count, u64 args[6]; then per string: u8 tag,
/// u8 0, u16 length, bytes. Tags: 0-5 the path at that arg, 8-13 the
/// directory of the dirfd at that arg, 16 the cwd, 24-29 the sockaddr at
/// that arg, 32-37 the path of the fd at that arg.
fn record(s: *Session, n: *const Notif, answer: u32) void {
    const nr = std.mem.readInt(i32, n.data[0..4], .little);
    var args: [6]u64 = undefined;
    for (0..6) |i| args[i] = std.mem.readInt(u64, n.data[16 + 8 * i ..][0..8], .little);
    var head: [72]u8 = undefined;
    std.mem.writeInt(u32, head[0..4], s.id, .little);
    std.mem.writeInt(u32, head[4..8], n.pid, .little);
    std.mem.writeInt(i32, head[8..12], nr, .little);
    @memcpy(head[12..16], n.data[4..8]);
    std.mem.writeInt(u32, head[16..20], answer, .little);
    for (0..6) |i| std.mem.writeInt(u64, head[24 + 8 * i ..][0..8], args[i], .little);
    const spec: u32 = if (nr >= 0 and nr < table_len and answer == 0) s.table[@intCast(nr)] else 0;
    var st: Strings = .{};
    var relative = false;
    for (0..6) |i| {
        if (spec & (@as(u32, 1) << @intCast(i)) == 0) continue;
        const b = st.next() orelse break;
        const len = readString(n.pid, args[i], b);
        if (len == 0) continue;
        const rel = b[0] != '/';
        st.commit(@intCast(i), len);
        if (!rel) continue;
        relative = true;
        // The dirfd before a path (openat's 0 before 1, renameat's 2 before 3).
        if (i == 0 or spec & (@as(u32, 1) << (spec_dirfds_shift + @as(u5, @intCast(i - 1)))) == 0) continue;
        const dirfd: i32 = @truncate(@as(i64, @bitCast(args[i - 1])));
        if (dirfd == uapi.at_fdcwd_fd) continue;
        if (st.next()) |d| st.commit(@intCast(8 + i - 1), fdPath(n.pid, dirfd, d));
    }
    if (relative and spec & spec_cwd != 0) {
        if (st.next()) |b| st.commit(16, procLink(n.pid, "cwd", null, b));
    }
    const sa = (spec >> spec_sockaddr_shift) & 0xf;
    if (sa != 0) if (st.next()) |b| {
        const la = (spec >> (spec_sockaddr_shift + 4)) & 0xf;
        const want: usize = if (la != 0) @min(args[la - 1], 128) else 16;
        st.commit(@intCast(24 + sa - 1), readMemory(n.pid, args[sa - 1], b[0..want]));
    };
    const fa = (spec >> spec_fd_shift) & 0xf;
    if (fa != 0) if (st.next()) |b| st.commit(@intCast(32 + fa - 1), fdPath(n.pid, @truncate(@as(i64, @bitCast(args[fa - 1]))), b));
    std.mem.writeInt(u32, head[20..24], @intCast(st.count), .little);
    var parts: [1 + Strings.max][]const u8 = undefined;
    parts[0] = &head;
    for (0..st.count) |k| parts[1 + k] = st.bufs[k][0..st.lens[k]];
    put(s, frame_call, parts[0 .. 1 + st.count]);
}

/// The strings of one call frame, on the supervisor's stack until queued.
const Strings = struct {
    const max = 4;
    bufs: [max][path_max + 4]u8 = undefined,
    lens: [max]usize = undefined,
    count: usize = 0,

    /// Room for the next string's bytes (after its 4-byte head), if any is left.
    fn next(self: *Strings) ?[]u8 {
        return if (self.count < max) self.bufs[self.count][4..] else null;
    }

    fn commit(self: *Strings, t: u8, len: usize) void {
        if (len == 0) return;
        tag(&self.bufs[self.count], t, len);
        self.lens[self.count] = 4 + len;
        self.count += 1;
    }
};

fn tag(buf: *[path_max + 4]u8, t: u8, len: usize) void {
    buf[0] = t;
    buf[1] = 0;
    std.mem.writeInt(u16, buf[2..4], @intCast(len), .little);
}

/// Bytes of the caller's memory at `addr` (process_vm_readv); 0 when unreadable.
fn readMemory(pid: u32, addr: u64, out: []u8) usize {
    if (addr == 0 or out.len == 0) return 0;
    const local = [1]std.posix.iovec{.{ .base = out.ptr, .len = out.len }};
    // Never across a page the string may not reach: one read up to the page end, then the rest.
    const first = @min(out.len, 4096 - (addr % 4096));
    const remote1 = [1]std.posix.iovec_const{.{ .base = @ptrFromInt(addr), .len = first }};
    const rc = linux.syscall6(.process_vm_readv, pid, @intFromPtr(&local), 1, @intFromPtr(&remote1), 1, 0);
    if (sys.isError(rc)) return 0;
    if (rc < first or first == out.len) return rc;
    const local2 = [1]std.posix.iovec{.{ .base = out.ptr + first, .len = out.len - first }};
    const remote2 = [1]std.posix.iovec_const{.{ .base = @ptrFromInt(addr + first), .len = out.len - first }};
    const more = linux.syscall6(.process_vm_readv, pid, @intFromPtr(&local2), 1, @intFromPtr(&remote2), 1, 0);
    return if (sys.isError(more)) first else first + more;
}

/// A NUL-terminated string of the caller's (without the NUL); 0 when unreadable or empty.
fn readString(pid: u32, addr: u64, out: []u8) usize {
    var got: usize = 0;
    while (got < out.len) {
        // A page at a time: the string's end may be followed by an unmapped page.
        const chunk = @min(out.len - got, 4096 - ((addr + got) % 4096));
        const n = readMemory(pid, addr + got, out[got..][0..chunk]);
        if (n == 0) return 0;
        if (std.mem.indexOfScalar(u8, out[got..][0..n], 0)) |z| return got + z;
        got += n;
        if (n < chunk) return 0;
    }
    return 0; // longer than PATH_MAX: no path
}

/// Appends `v` in decimal to `buf` at `at`; returns the new end.
fn decimal(buf: []u8, at: usize, v: u64) usize {
    var digits: [20]u8 = undefined;
    var n: usize = 0;
    var rest = v;
    while (true) {
        digits[n] = '0' + @as(u8, @intCast(rest % 10));
        n += 1;
        rest /= 10;
        if (rest == 0) break;
    }
    for (0..n) |i| buf[at + i] = digits[n - 1 - i];
    return at + n;
}

/// readlink of /proc/<pid>/<what>[<number>].
fn procLink(pid: u32, what: []const u8, number: ?u32, out: []u8) usize {
    var path: [64]u8 = undefined;
    var at: usize = 0;
    @memcpy(path[0..6], "/proc/");
    at = decimal(&path, 6, pid);
    path[at] = '/';
    @memcpy(path[at + 1 ..][0..what.len], what);
    at += 1 + what.len;
    if (number) |v| at = decimal(&path, at, v);
    path[at] = 0;
    const rc = linux.syscall4(.readlinkat, @bitCast(@as(isize, uapi.at_fdcwd_fd)), @intFromPtr(&path), @intFromPtr(out.ptr), out.len);
    return if (sys.isError(rc)) 0 else rc;
}

fn fdPath(pid: u32, fd: i32, out: []u8) usize {
    if (fd < 0) return 0;
    return procLink(pid, "fd/", @intCast(fd), out);
}

/// Queues one frame (type, then the parts as its payload); flush() sends it.
fn put(s: *Session, kind: u16, parts: []const []const u8) void {
    var len: usize = 0;
    for (parts) |p| len += p.len;
    if (s.queued + 8 + len > queue_max) {
        s.lost += 1;
        return;
    }
    if (s.queued + 8 + len > s.queue.len) {
        var size: usize = if (s.queue.len == 0) 256 * 1024 else s.queue.len;
        while (size < s.queued + 8 + len) size *= 2;
        const mem = if (s.queue.len == 0)
            linux.syscall6(.mmap, 0, size, 0x3, 0x22, @bitCast(@as(isize, -1)), 0)
        else
            linux.syscall5(.mremap, @intFromPtr(s.queue.ptr), s.queue.len, size, 1, 0);
        if (sys.isError(mem)) {
            s.lost += 1;
            return;
        }
        s.queue = @as([*]u8, @ptrFromInt(mem))[0..size];
    }
    var head: [8]u8 = undefined;
    std.mem.writeInt(u32, head[0..4], @intCast(len), .little);
    std.mem.writeInt(u16, head[4..6], kind, .little);
    std.mem.writeInt(u16, head[6..8], 0, .little);
    @memcpy(s.queue[s.queued..][0..8], &head);
    s.queued += 8;
    for (parts) |p| {
        @memcpy(s.queue[s.queued..][0..p.len], p);
        s.queued += p.len;
    }
}

/// Sends queued bytes until the channel is full (then waits for EPOLLOUT) or gone (then drops them).
fn flush(s: *Session) void {
    var sent: usize = 0;
    var gone = false;
    while (sent < s.queued) {
        const rc = linux.syscall6(.sendto, @as(u32, @bitCast(s.channel)), @intFromPtr(s.queue.ptr + sent), s.queued - sent, 0x40 | 0x4000, 0, 0);
        if (sys.isError(rc)) {
            if (sys.status(rc) == -uapi.e.INTR) continue;
            gone = sys.status(rc) != -uapi.e.AGAIN;
            break;
        }
        sent += rc;
    }
    if (gone) sent = s.queued;
    if (sent > 0) {
        std.mem.copyForwards(u8, s.queue[0 .. s.queued - sent], s.queue[sent..s.queued]);
        s.queued -= sent;
    }
    if (s.queued == 0) {
        if (s.ending) release(s) else _ = ctl(2, s.channel, 0, 0);
    } else {
        const k = key(s, indexOf(s), 2);
        if (sys.isError(ctl(3, s.channel, 4, k))) _ = ctl(1, s.channel, 4, k); // MOD, else ADD: EPOLLOUT
    }
}

