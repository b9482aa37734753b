//! The egress relay of one sandbox: a native thread that owns the listening
//! sockets made inside the sandbox's network namespace (netns_setup.zig) and
//! moves bytes; every decision is JavaScript's. The thread posts events (a
//! DNS query, an accepted connection, a proxy request head, a connect result,
//! a closed connection) on a control socket that Bun reads on its event loop,
//! and reads commands (a DNS answer, connect to this address, refuse) from the
//! same socket: no callback into JavaScript, no state shared with Bun's
//! threads. One thread serves every sandbox of the process (made at the first
//! start and kept: a spawn then costs a session, not a thread); each sandbox
//! is a session of its own, keyed in the thread's epoll set by its address. Upstream connections are made here, in the caller's namespace,
//! to the address the command names (the one JavaScript checked), and bytes
//! go through pipes with splice(2), never through user memory. When Bun
//! closes its end of the control socket, the thread closes everything of the
//! sandbox and frees its session. Record layouts: cordon_linux_relay.h.
const std = @import("std");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

/// struct cordon_linux_relay_listener.
pub const Listener = extern struct { fd: i32, kind: u32, tag: u32 };
pub const listener_dns_udp: u32 = 1;
pub const listener_dns_tcp: u32 = 2;
pub const listener_transparent: u32 = 3;
pub const listener_proxy: u32 = 4;
pub const max_listeners = 64;

/// Record header, both directions.
const Header = extern struct { len: u32, kind: u32, id: u32, aux: u32 };
const header_len = @sizeOf(Header);

pub const ev_dns: u32 = 1;
pub const ev_accept: u32 = 2;
pub const ev_head: u32 = 3;
pub const ev_connected: u32 = 4;
pub const ev_closed: u32 = 5;
pub const cmd_dns_reply: u32 = 101;
pub const cmd_connect: u32 = 102;
pub const cmd_refuse: u32 = 103;

/// DNS ids of a query that came over TCP carry this bit (the rest is the connection's id).
const dns_tcp_bit: u32 = 1 << 31;

const max_conns = 1024;
const dns_slots = 256;
const pipe_cap: u32 = 1 << 16;
const pipe_want: u32 = 1 << 20;
/// A direction gets its large pipe once it has carried this much: most
/// connections are short, and a pipe's buffer array is allocated (and freed)
/// at its size.
const grow_after: u64 = 1 << 18;
/// A proxy request head, a TCP DNS message, or the bytes a connect sends first.
const buf_size: usize = 1 << 16;
const in_size: usize = 1 << 17;
const out_size: usize = 1 << 20;
/// Room in the event queue only closes may use: one close record (header and two byte counts) per connection.
const close_reserve: usize = max_conns * (header_len + 16);
const buf_cache = 8;

const State = enum(u8) { free, head, dns_tcp, waiting, connecting, relaying };

const Conn = struct {
    state: State = .free,
    gen: u16 = 0,
    tag: u32 = 0,
    client: i32 = -1,
    upstream: i32 = -1,
    /// [0]: client → upstream, [1]: upstream → client; read end, write end.
    pipes: [2][2]i32 = .{ .{ -1, -1 }, .{ -1, -1 } },
    pending: [2]u32 = .{ 0, 0 },
    /// Bytes each direction's pipe holds.
    cap: [2]u32 = .{ pipe_cap, pipe_cap },
    grown: [2]bool = .{ false, false },
    eof: [2]bool = .{ false, false },
    shut: [2]bool = .{ false, false },
    bytes: [2]u64 = .{ 0, 0 },
    /// Head bytes read so far (head, dns_tcp), or the connect's [ok | fail | up] bytes.
    buf: ?[*]u8 = null,
    len: u32 = 0,
    ok_len: u32 = 0,
    fail_len: u32 = 0,
};

const Pending = struct { gen: u32 = 0, used: bool = false, listener: u32 = 0, peer: [28]u8 = @splat(0), peer_len: u32 = 0 };

const Session = struct {
    ep: i32,
    ctl: i32,
    listeners: [max_listeners]Listener,
    nlisteners: u32,
    /// Listeners watched edge-triggered for now (bit per index): out of descriptors with no reserve to shed with.
    edge: u64,
    conns: [max_conns]Conn,
    free_hint: u32,
    dns: [dns_slots]Pending,
    dns_next: u32,
    dns_gen: u32,
    in: [in_size]u8,
    in_len: usize,
    out: [out_size]u8,
    out_len: usize,
    out_armed: bool,
    scratch: [buf_size]u8,
    /// Connection buffers given back, kept for the next (a munmap interrupts every other thread of the process).
    bufs: [buf_cache]?[*]u8,
    nbufs: u32,
    /// Bun closed the control socket: everything is closed, the memory goes back to the pool after this batch of events.
    done: bool,
};

// epoll data: the session's address (page-aligned: its low 12 bits are
// free), the kind in bits 10-11 and an index (listener or connection slot)
// in bits 0-9.
const tag_ctl: u64 = 0;
const tag_listener: u64 = 1;
const tag_client: u64 = 2;
const tag_upstream: u64 = 3;
comptime {
    std.debug.assert(max_conns <= 1024 and max_listeners <= 1024);
}

fn key(s: *Session, kind: u64, index: u64) u64 {
    return @intFromPtr(s) | (kind << 10) | (index & 0x3ff);
}

const epollin: u32 = 0x001;
const epollout: u32 = 0x004;
const epollerr: u32 = 0x008;
const epollhup: u32 = 0x010;
const epollrdhup: u32 = 0x2000;
const epollet: u32 = 1 << 31;
const o_cloexec: usize = uapi.o_cloexec;
const o_nonblock: usize = uapi.o_nonblock;
const msg_dontwait: usize = 0x40;
const msg_nosignal: usize = 0x4000;
const splice_move: usize = 1;
const splice_nonblock: usize = 2;
const eagain: i32 = -uapi.e.AGAIN;
const einprogress: i32 = -115;
const thread_stack: usize = 256 * 1024;

fn map(bytes: usize) ?[*]u8 {
    const rc = linux.syscall6(.mmap, 0, bytes, 0x3, 0x22, @bitCast(@as(isize, -1)), 0); // RW, PRIVATE|ANONYMOUS
    return if (sys.isError(rc)) null else @ptrFromInt(rc);
}

fn unmap(addr: usize, bytes: usize) void {
    _ = linux.syscall2(.munmap, addr, bytes);
}

fn close(fd: i32) void {
    if (fd >= 0) _ = linux.syscall1(.close, @as(u32, @bitCast(fd)));
}

fn ctl(s: *Session, op: usize, fd: i32, events: u32, data: u64) usize {
    var ev: linux.epoll_event = .{ .events = events, .data = .{ .u64 = data } };
    return linux.syscall4(.epoll_ctl, @as(u32, @bitCast(s.ep)), op, @as(u32, @bitCast(fd)), @intFromPtr(&ev));
}

/// Out of the shared epoll set, then closed: a copy of the fd elsewhere (a
/// listener the child still held) would otherwise keep it registered for a
/// session that is gone.
fn drop(s: *Session, fd: i32) void {
    if (fd < 0) return;
    _ = ctl(s, 2, fd, 0, 0);
    close(fd);
}

// ---- the thread: one per process, made at the first start ----

var lock_word: u32 = 0;
/// The shared epoll fd, or -1 before the first start.
var shared_ep: i32 = -1;

fn lock() void {
    while (@cmpxchgWeak(u32, &lock_word, 0, 1, .acquire, .monotonic) != null) _ = linux.syscall0(.sched_yield);
}
fn unlock() void {
    @atomicStore(u32, &lock_word, 0, .release);
}

/// An fd held in reserve (an eventfd): closed to make room for one accept
/// when the process is out of descriptors, so that the connection waiting is
/// reset instead of left in the backlog, where its listener would stay ready
/// and the thread would spin on a failing accept4 (shedConnection).
var reserve: i32 = -1;

/// The relay thread's epoll fd, made with the thread (and the reserve) on the first call; a raw error when any cannot be made.
fn relayEpoll() isize {
    lock();
    defer unlock();
    if (shared_ep >= 0) return shared_ep;
    const ep = linux.syscall1(.epoll_create1, o_cloexec);
    if (sys.isError(ep)) return sys.status(ep);
    const spare = linux.syscall2(.eventfd2, 0, o_cloexec);
    if (sys.isError(spare)) {
        close(@intCast(ep));
        return sys.status(spare);
    }
    reserve = @intCast(spare);
    // The stack lives as long as the process: the thread never exits.
    const stack = linux.syscall6(.mmap, 0, thread_stack, 0x3, 0x22 | 0x20000, @bitCast(@as(isize, -1)), 0); // MAP_STACK
    if (sys.isError(stack)) {
        close(@intCast(ep));
        close(reserve);
        reserve = -1;
        return sys.status(stack);
    }
    // As for the exit watcher: no signal of Bun's is ever handled on this thread.
    const all: u64 = ~@as(u64, 0);
    var old: u64 = 0;
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&all), @intFromPtr(&old), 8);
    const flags: u32 = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; // VM FS FILES SIGHAND THREAD SYSVSEM
    const t = linux.clone(&run, stack + thread_stack, flags, ep, null, 0, null);
    _ = linux.syscall4(.rt_sigprocmask, 2, @intFromPtr(&old), 0, 8);
    if (sys.isError(t)) {
        close(@intCast(ep));
        close(reserve);
        reserve = -1;
        unmap(stack, thread_stack);
        return sys.status(t);
    }
    shared_ep = @intCast(ep);
    return shared_ep;
}

/// Ended sessions kept for the next start (under `lock`): reusing one costs
/// no mmap, no page faults and, at its end, no munmap, whose TLB shootdown
/// interrupts every other thread of the process.
const pool_max = 4;
var pool: [pool_max]*Session = undefined;
var pooled: usize = 0;

/// A clean session: a pooled one (its connection and DNS slots were all freed
/// at its teardown) or fresh anonymous memory, which is zero (a free slot is all zeros).
fn take() ?*Session {
    lock();
    const reused: ?*Session = if (pooled > 0) pool[pooled - 1] else null;
    if (reused != null) pooled -= 1;
    unlock();
    if (reused) |s| {
        s.in_len = 0;
        s.out_len = 0;
        s.out_armed = false;
        s.done = false;
        return s;
    }
    const mem = map(@sizeOf(Session)) orelse return null;
    return @ptrCast(@alignCast(mem));
}

fn give(s: *Session) void {
    lock();
    defer unlock();
    if (pooled < pool_max) {
        pool[pooled] = s;
        pooled += 1;
        return;
    }
    for (s.bufs[0..s.nbufs]) |b| unmap(@intFromPtr(b.?), buf_size);
    unmap(@intFromPtr(s), @sizeOf(Session));
}

/// A connection buffer: one given back earlier, or fresh memory. Only the
/// bytes a connection wrote are ever read from it.
fn getBuf(s: *Session) ?[*]u8 {
    if (s.nbufs == 0) return map(buf_size);
    s.nbufs -= 1;
    return s.bufs[s.nbufs];
}

fn putBuf(s: *Session, b: [*]u8) void {
    if (s.nbufs == buf_cache) return unmap(@intFromPtr(b), buf_size);
    s.bufs[s.nbufs] = b;
    s.nbufs += 1;
}

/// Adds a session owning `control` and `listeners` to the relay thread (on success only; on failure the caller still owns them).
pub fn start(control: i32, listeners: []const Listener) i32 {
    if (control < 0 or listeners.len > max_listeners) return -22;
    const ep = relayEpoll();
    if (ep < 0) return @intCast(ep);
    const s = take() orelse return -12;
    s.ep = @intCast(ep);
    s.ctl = control;
    s.nlisteners = @intCast(listeners.len);
    s.edge = 0;
    for (listeners, 0..) |l, i| s.listeners[i] = l;
    // Listeners first, the control socket last: the thread frees a session only on its control socket's events.
    var added: usize = 0;
    var rc: usize = 0;
    for (listeners, 0..) |l, i| {
        rc = ctl(s, 1, l.fd, epollin, key(s, tag_listener, i));
        if (sys.isError(rc)) break;
        added += 1;
    }
    if (!sys.isError(rc)) rc = ctl(s, 1, control, epollin | epollrdhup, key(s, tag_ctl, 0));
    if (sys.isError(rc)) {
        for (listeners[0..added]) |l| _ = ctl(s, 2, l.fd, 0, 0);
        give(s);
        return sys.status(rc);
    }
    return 0;
}

fn run(arg: usize) callconv(.c) u8 {
    const ep: u32 = @intCast(arg);
    // Named, so that its CPU time can be told apart (/proc/<pid>/task/*/comm; bench/egress.ts).
    const name = "cordon-relay".*;
    _ = linux.syscall2(.prctl, 15, @intFromPtr(&name)); // PR_SET_NAME
    var events: [64]linux.epoll_event = undefined;
    var gone: [64]*Session = undefined;
    while (true) {
        const n = linux.syscall6(.epoll_pwait, ep, @intFromPtr(&events), events.len, @bitCast(@as(isize, -1)), 0, 8);
        if (sys.isError(n)) continue; // EINTR (the epoll fd is never closed: nothing else can fail here)
        var ngone: usize = 0;
        for (events[0..n]) |ev| {
            const s: *Session = @ptrFromInt(ev.data.u64 & ~@as(u64, 0xfff));
            // An event of this batch for a session ended earlier in it.
            if (s.done) continue;
            const kind = (ev.data.u64 >> 10) & 3;
            const index: u32 = @truncate(ev.data.u64 & 0x3ff);
            switch (kind) {
                tag_ctl => {
                    if (ev.events & epollout != 0) flush(s);
                    if (ev.events & (epollin | epollhup | epollerr | epollrdhup) != 0 and !readCommands(s)) {
                        teardown(s);
                        s.done = true;
                        gone[ngone] = s;
                        ngone += 1;
                    }
                },
                tag_listener => onListener(s, index),
                else => onConn(s, index, kind == tag_upstream, ev.events),
            }
        }
        // Its fds are out of the set: no later batch names it.
        for (gone[0..ngone]) |s| give(s);
    }
}

fn teardown(s: *Session) void {
    for (&s.conns) |*c| if (c.state != .free) release(s, c, false);
    for (&s.dns) |*p| p.used = false;
    for (s.listeners[0..s.nlisteners]) |l| drop(s, l.fd);
    drop(s, s.ctl);
}

// ---- the control socket ----

/// Appends one event; false when the queue is full (the caller then gives up on what it was for).
fn post(s: *Session, kind: u32, id: u32, aux: u32, parts: []const []const u8) bool {
    var total: usize = header_len;
    for (parts) |p| total += p.len;
    // The last bytes are kept for closes: a command flooding the DNS listener
    // must not crowd out the close (and the bytes) of a connection it was relayed.
    const room = if (kind == ev_closed) out_size else out_size - close_reserve;
    if (s.out_len + total > room) return false;
    const h: Header = .{ .len = @intCast(total), .kind = kind, .id = id, .aux = aux };
    @memcpy(s.out[s.out_len..][0..header_len], std.mem.asBytes(&h));
    var at = s.out_len + header_len;
    for (parts) |p| {
        @memcpy(s.out[at..][0..p.len], p);
        at += p.len;
    }
    s.out_len = at;
    flush(s);
    return true;
}

fn flush(s: *Session) void {
    var done: usize = 0;
    while (done < s.out_len) {
        const rc = linux.syscall6(.sendto, @as(u32, @bitCast(s.ctl)), @intFromPtr(&s.out) + done, s.out_len - done, msg_dontwait | msg_nosignal, 0, 0);
        if (sys.isError(rc)) break; // EAGAIN: wait for EPOLLOUT; anything else: EOF follows on the read side
        done += rc;
    }
    if (done > 0) {
        std.mem.copyForwards(u8, s.out[0 .. s.out_len - done], s.out[done..s.out_len]);
        s.out_len -= done;
    }
    const want = s.out_len > 0;
    if (want != s.out_armed) {
        _ = ctl(s, 3, s.ctl, epollin | epollrdhup | (if (want) epollout else 0), key(s, tag_ctl, 0));
        s.out_armed = want;
    }
}

/// Reads and runs every complete command; false once Bun's end is closed.
fn readCommands(s: *Session) bool {
    while (true) {
        if (s.in_len == in_size) return false; // a record larger than any command: not Bun's
        const rc = linux.syscall6(.recvfrom, @as(u32, @bitCast(s.ctl)), @intFromPtr(&s.in) + s.in_len, in_size - s.in_len, msg_dontwait, 0, 0);
        if (sys.isError(rc)) return sys.status(rc) == eagain;
        if (rc == 0) return false;
        s.in_len += rc;
        var at: usize = 0;
        while (s.in_len - at >= header_len) {
            const h = std.mem.bytesToValue(Header, s.in[at..][0..header_len]);
            if (h.len < header_len or h.len > in_size) return false;
            if (s.in_len - at < h.len) break;
            command(s, h, s.in[at + header_len .. at + h.len]);
            at += h.len;
        }
        std.mem.copyForwards(u8, s.in[0 .. s.in_len - at], s.in[at..s.in_len]);
        s.in_len -= at;
    }
}

fn command(s: *Session, h: Header, body: []const u8) void {
    switch (h.kind) {
        cmd_dns_reply => dnsReply(s, h.id, body),
        cmd_connect => connectCmd(s, h.id, body),
        cmd_refuse => {
            const c = conn(s, h.id) orelse return;
            if (c.state != .waiting) return;
            if (body.len > 0) _ = writeAll(c.client, body);
            release(s, c, body.len == 0);
        },
        else => {},
    }
}

// ---- connections ----

fn idOf(s: *Session, c: *Conn) u32 {
    const slot: u32 = @intCast((@intFromPtr(c) - @intFromPtr(&s.conns)) / @sizeOf(Conn));
    return (@as(u32, c.gen) << 16) | slot;
}

fn conn(s: *Session, id: u32) ?*Conn {
    const slot = id & 0xffff;
    if (slot >= max_conns) return null;
    const c = &s.conns[slot];
    if (c.state == .free or c.gen != @as(u16, @truncate(id >> 16))) return null;
    return c;
}

/// Relayed connections of every session (only the relay thread counts them).
var conns_total: u32 = 0;

/// How many connections the process's descriptors allow: each holds up to six
/// of them (its two sockets and two pipes), and a quarter of RLIMIT_NOFILE's
/// soft limit, at least 256, stays for everything else the process opens, so
/// that sandboxes holding connections cannot leave Bun (and the caller's
/// program) without descriptors. Read at each connection: the limit may change.
fn budget() u32 {
    var lim: [2]u64 = undefined;
    if (sys.isError(linux.syscall4(.prlimit64, 0, 7, 0, @intFromPtr(&lim)))) return max_conns; // RLIMIT_NOFILE
    const keep = @max(lim[0] / 4, 256);
    if (lim[0] <= keep) return 0;
    return @intCast(@min((lim[0] - keep) / 6, 1 << 24));
}

fn alloc(s: *Session) ?*Conn {
    if (conns_total >= budget()) return null;
    for (0..max_conns) |k| {
        const i = (s.free_hint + k) % max_conns;
        const c = &s.conns[i];
        if (c.state == .free) {
            s.free_hint = @intCast((i + 1) % max_conns);
            c.* = .{ .gen = c.gen };
            conns_total += 1;
            return c;
        }
    }
    return null;
}

/// SO_LINGER with a zero timeout: the close that follows sends a reset (the client fails fast).
fn resetOnClose(fd: usize) void {
    const linger = [2]i32{ 1, 0 };
    _ = linux.syscall5(.setsockopt, fd, 1, 13, @intFromPtr(&linger), 8);
}

/// Closes a connection (with a reset when `reset`) and reports it once it had been announced.
fn release(s: *Session, c: *Conn, reset: bool) void {
    const id = idOf(s, c);
    if (reset and c.client >= 0) resetOnClose(@as(u32, @bitCast(c.client)));
    drop(s, c.client);
    drop(s, c.upstream);
    for (c.pipes) |p| {
        close(p[0]);
        close(p[1]);
    }
    if (c.buf) |b| putBuf(s, b);
    var totals: [16]u8 = undefined;
    @memcpy(totals[0..8], &@as([8]u8, @bitCast(c.bytes[0])));
    @memcpy(totals[8..16], &@as([8]u8, @bitCast(c.bytes[1])));
    if (c.state != .dns_tcp) _ = post(s, ev_closed, id, 0, &.{&totals});
    const gen = c.gen +% 1;
    c.* = .{};
    c.gen = gen;
    if (conns_total > 0) conns_total -= 1;
}

/// Out of descriptors: the reserve makes room for one accept, the connection
/// is reset at once (its client fails fast), and the reserve is taken again.
/// False when there was no reserve to give (another thread took the slot
/// first): the caller then watches the listener edge-triggered.
fn shedConnection(listener: i32) bool {
    if (reserve < 0) {
        const spare = linux.syscall2(.eventfd2, 0, o_cloexec);
        if (sys.isError(spare)) return false;
        reserve = @intCast(spare);
    }
    close(reserve);
    reserve = -1;
    const fd = linux.syscall4(.accept4, @as(u32, @bitCast(listener)), 0, 0, o_cloexec);
    if (!sys.isError(fd)) {
        resetOnClose(fd);
        close(@intCast(fd));
    }
    const spare = linux.syscall2(.eventfd2, 0, o_cloexec);
    if (!sys.isError(spare)) reserve = @intCast(spare);
    return !sys.isError(fd);
}

/// A listener watched level- (the rule) or edge-triggered; changed only when it differs.
fn watchListener(s: *Session, index: u32, edge: bool) void {
    const bit = @as(u64, 1) << @intCast(index);
    if ((s.edge & bit != 0) == edge) return;
    const events = if (edge) epollin | epollet else epollin;
    if (sys.isError(ctl(s, 3, s.listeners[index].fd, events, key(s, tag_listener, index)))) return; // EPOLL_CTL_MOD
    s.edge ^= bit;
}

fn onListener(s: *Session, index: u32) void {
    if (index >= s.nlisteners) return;
    const l = s.listeners[index];
    if (l.kind == listener_dns_udp) return dnsQueries(s, index);
    // A bounded batch, so that one busy listener does not starve the others.
    for (0..64) |_| {
        const fd = linux.syscall4(.accept4, @as(u32, @bitCast(l.fd)), 0, 0, o_cloexec | o_nonblock);
        if (sys.isError(fd)) {
            const err = sys.status(fd);
            if (err == -uapi.e.MFILE or err == -uapi.e.NFILE) {
                if (shedConnection(l.fd)) continue;
                // No reserve either: watched edge-triggered until an accept works
                // again, so that the waiting connection does not wake the thread
                // over and over (the next arrival tries again).
                watchListener(s, index, true);
            }
            return;
        }
        watchListener(s, index, false);
        const c = alloc(s) orelse {
            resetOnClose(fd);
            close(@intCast(fd));
            continue;
        };
        c.client = @intCast(fd);
        c.tag = l.tag;
        const id = idOf(s, c);
        switch (l.kind) {
            listener_transparent => {
                c.state = .waiting;
                var local: [28]u8 = @splat(0);
                var len: u32 = local.len;
                _ = linux.syscall3(.getsockname, fd, @intFromPtr(&local), @intFromPtr(&len));
                const a = addressRecord(&local);
                if (!post(s, ev_accept, id, l.tag, &.{&a})) release(s, c, true);
            },
            else => {
                c.state = if (l.kind == listener_proxy) .head else .dns_tcp;
                c.buf = getBuf(s);
                if (c.buf == null or sys.isError(ctl(s, 1, c.client, epollin | epollrdhup, key(s, tag_client, id & 0xffff)))) release(s, c, true);
            },
        }
    }
}

/// The 20-byte address of the relay's records from a sockaddr_in/in6: family (4 or 6), 0, port (host order), 16 address bytes.
fn addressRecord(sa: *const [28]u8) [20]u8 {
    var a: [20]u8 = @splat(0);
    const family = @as(u16, sa[0]) | (@as(u16, sa[1]) << 8);
    const port = (@as(u16, sa[2]) << 8) | sa[3];
    a[2] = @truncate(port);
    a[3] = @truncate(port >> 8);
    if (family == 2) {
        a[0] = 4;
        @memcpy(a[4..8], sa[4..8]);
    } else {
        a[0] = 6;
        @memcpy(a[4..20], sa[8..24]);
    }
    return a;
}

/// Any event of a connection's sockets: what to do depends only on its state
/// (an event left over from an earlier connection in the slot finds nothing to do).
fn onConn(s: *Session, slot: u32, upstream: bool, events: u32) void {
    if (slot >= max_conns) return;
    const c = &s.conns[slot];
    switch (c.state) {
        .head, .dns_tcp => readHead(s, c),
        .connecting => if (upstream) connected(s, c),
        .relaying => if (!pumpFor(c, upstream, events)) release(s, c, true) else if (c.shut[0] and c.shut[1]) release(s, c, false),
        else => {},
    }
}

/// Only the directions an event concerns: a socket that became readable
/// feeds its own direction, one that became writable drains the other's
/// (a one-way download wakes the thread once per event, not with a splice
/// that would find nothing). Errors and hang-ups pump both, to see them.
fn pumpFor(c: *Conn, upstream: bool, events: u32) bool {
    const from: usize = if (upstream) 1 else 0;
    const readable = events & (epollin | epollrdhup | epollhup | epollerr) != 0;
    const writable = events & (epollout | epollhup | epollerr) != 0;
    if (readable and !pumpDir(c, from)) return false;
    if (writable and !pumpDir(c, 1 - from)) return false;
    return true;
}

fn pumpDir(c: *Conn, d: usize) bool {
    return if (d == 0) pump(c, 0, c.client, c.upstream) else pump(c, 1, c.upstream, c.client);
}

/// Proxy: reads until the end of the request head, then asks JavaScript. TCP DNS: each length-prefixed query.
fn readHead(s: *Session, c: *Conn) void {
    const b = c.buf.?;
    while (true) {
        if (c.len == buf_size) return release(s, c, true); // a head or query this large is no client's
        const rc = linux.syscall6(.recvfrom, @as(u32, @bitCast(c.client)), @intFromPtr(b) + c.len, buf_size - c.len, msg_dontwait, 0, 0);
        if (sys.isError(rc) and sys.status(rc) == eagain) return;
        if (sys.isError(rc) or rc == 0) return release(s, c, false);
        const before = c.len;
        c.len += @intCast(rc);
        if (c.state == .dns_tcp) {
            tcpQueries(s, c);
            continue;
        }
        // Only the new bytes (and the three before them) can complete the blank line: a head sent byte by byte costs linear time.
        const end = headEnd(b[0..c.len], before -| 3) orelse continue;
        c.state = .waiting;
        _ = ctl(s, 2, c.client, 0, 0); // no more events until the decision
        if (!post(s, ev_head, idOf(s, c), c.tag, &.{b[0..end]})) return release(s, c, true);
        // What follows the head (a request body) stays at the start of the buffer.
        std.mem.copyForwards(u8, b[0 .. c.len - end], b[end..c.len]);
        c.len -= @intCast(end);
        return;
    }
}

/// The end of "\r\n\r\n" in `b`, searched from `from`.
fn headEnd(b: []const u8, from: usize) ?usize {
    if (b.len < 4) return null;
    for (from..b.len - 3) |i| if (b[i] == '\r' and b[i + 1] == '\n' and b[i + 2] == '\r' and b[i + 3] == '\n') return i + 4;
    return null;
}

fn tcpQueries(s: *Session, c: *Conn) void {
    const b = c.buf.?;
    while (c.len >= 2) {
        const n = (@as(usize, b[0]) << 8) | b[1];
        if (c.len < 2 + n) return;
        _ = post(s, ev_dns, dns_tcp_bit | idOf(s, c), c.tag, &.{b[2 .. 2 + n]});
        std.mem.copyForwards(u8, b[0 .. c.len - 2 - n], b[2 + n .. c.len]);
        c.len -= @intCast(2 + n);
    }
}

fn writeAll(fd: i32, bytes: []const u8) bool {
    var done: usize = 0;
    while (done < bytes.len) {
        const rc = linux.syscall6(.sendto, @as(u32, @bitCast(fd)), @intFromPtr(bytes.ptr) + done, bytes.len - done, msg_dontwait | msg_nosignal, 0, 0);
        if (sys.isError(rc)) return false; // a fresh socket's buffer takes these few bytes at once
        done += rc;
    }
    return true;
}

/// CONNECT: address (20 bytes), u32 ok_len, u32 fail_len, ok bytes, fail bytes, bytes for upstream.
fn connectCmd(s: *Session, id: u32, body: []const u8) void {
    const c = conn(s, id) orelse return;
    if (c.state != .waiting) return;
    if (body.len < 28) return release(s, c, true);
    const ok_len = readU32(body[20..24]);
    const fail_len = readU32(body[24..28]);
    const rest = body[28..];
    if (@as(u64, ok_len) + fail_len > rest.len) return release(s, c, true);
    // [ok | fail | up | what followed the head]: all of it into one buffer
    // (none for a transparent connection, which has nothing to send first).
    const leftover: []const u8 = if (c.buf) |b| b[0..c.len] else &.{};
    if (rest.len + leftover.len > buf_size) return release(s, c, true);
    if (rest.len > 0) {
        const nb = getBuf(s) orelse return release(s, c, true);
        @memcpy(nb[0..rest.len], rest);
        std.mem.copyForwards(u8, nb[rest.len .. rest.len + leftover.len], leftover);
        if (c.buf) |b| putBuf(s, b);
        c.buf = nb;
        c.len = @intCast(rest.len + leftover.len);
    }
    c.ok_len = ok_len;
    c.fail_len = fail_len;

    var sa: [28]u8 = @splat(0);
    const v4 = body[0] == 4;
    const port = @as(u16, body[2]) | (@as(u16, body[3]) << 8);
    sa[0] = if (v4) 2 else 10;
    sa[2] = @truncate(port >> 8);
    sa[3] = @truncate(port);
    if (v4) @memcpy(sa[4..8], body[4..8]) else @memcpy(sa[8..24], body[4..20]);
    const fd = linux.syscall3(.socket, sa[0], 1 | o_cloexec | o_nonblock, 0);
    if (sys.isError(fd)) return failConnect(s, c, sys.status(fd));
    c.upstream = @intCast(fd);
    c.state = .connecting;
    const rc = linux.syscall3(.connect, fd, @intFromPtr(&sa), if (v4) 16 else 28);
    if (sys.isError(rc) and sys.status(rc) != einprogress) return failConnect(s, c, sys.status(rc));
    if (sys.isError(ctl(s, 1, c.upstream, epollout | epollet, key(s, tag_upstream, id & 0xffff)))) return failConnect(s, c, -12);
}

fn readU32(b: []const u8) u32 {
    return @bitCast(b[0..4].*);
}

fn failConnect(s: *Session, c: *Conn, err: i32) void {
    _ = post(s, ev_connected, idOf(s, c), @bitCast(-err), &.{});
    const fail: []const u8 = if (c.buf) |b| b[c.ok_len .. c.ok_len + c.fail_len] else &.{};
    if (fail.len > 0) _ = writeAll(c.client, fail);
    release(s, c, fail.len == 0);
}

fn connected(s: *Session, c: *Conn) void {
    var err: i32 = 0;
    var len: u32 = 4;
    const rc = linux.syscall5(.getsockopt, @as(u32, @bitCast(c.upstream)), 1, 4, @intFromPtr(&err), @intFromPtr(&len)); // SO_ERROR
    if (sys.isError(rc)) err = -sys.status(rc);
    if (err != 0) return failConnect(s, c, -err);
    // SO_ERROR is 0 while the handshake is still under way too (an event of another connection in this slot).
    var peer: [28]u8 = undefined;
    var peer_len: u32 = peer.len;
    if (sys.isError(linux.syscall3(.getpeername, @as(u32, @bitCast(c.upstream)), @intFromPtr(&peer), @intFromPtr(&peer_len)))) return;
    if (c.buf) |b| {
        const up = b[c.ok_len + c.fail_len .. c.len];
        if (!writeAll(c.client, b[0..c.ok_len]) or !writeAll(c.upstream, up)) return release(s, c, true);
        putBuf(s, b);
        c.buf = null;
        c.len = 0;
    }
    for (&c.pipes) |*p| {
        var fds: [2]i32 = undefined;
        if (sys.isError(linux.syscall2(.pipe2, @intFromPtr(&fds), o_cloexec | o_nonblock))) return release(s, c, true);
        p.* = fds;
    }
    const slot = idOf(s, c) & 0xffff;
    // Edge-triggered, both directions at once: each event pumps until the kernel says EAGAIN.
    const both = epollin | epollout | epollrdhup | epollet;
    if (sys.isError(ctl(s, 3, c.upstream, both, key(s, tag_upstream, slot))) or sys.isError(ctl(s, 1, c.client, both, key(s, tag_client, slot)))) return release(s, c, true);
    c.state = .relaying;
    _ = post(s, ev_connected, idOf(s, c), 0, &.{});
    if (!pumpBoth(c)) release(s, c, true);
}

fn pumpBoth(c: *Conn) bool {
    return pump(c, 0, c.client, c.upstream) and pump(c, 1, c.upstream, c.client);
}

/// A larger pipe for a direction that carries much: fewer splices and
/// wake-ups per megabyte (the default stays where refused; asked once).
fn grow(c: *Conn, d: usize) void {
    const size = linux.syscall3(.fcntl, @as(u32, @bitCast(c.pipes[d][1])), 1031, pipe_want); // F_SETPIPE_SZ
    c.grown[d] = true;
    if (!sys.isError(size)) c.cap[d] = @intCast(@min(size, pipe_want));
}

/// Moves what `src` has into `dst` through the direction's pipe until either
/// side would block; at `src`'s end, once the pipe is empty, `dst` is shut for
/// writing (half-close passes through). False on an error of either socket.
fn pump(c: *Conn, d: usize, src: i32, dst: i32) bool {
    const p = c.pipes[d];
    if (!c.grown[d] and c.bytes[d] >= grow_after) grow(c, d);
    while (true) {
        var moved = false;
        if (!c.eof[d] and c.pending[d] < c.cap[d]) {
            const n = linux.syscall6(.splice, @as(u32, @bitCast(src)), 0, @as(u32, @bitCast(p[1])), 0, c.cap[d] - c.pending[d], splice_move | splice_nonblock);
            if (sys.isError(n)) {
                if (sys.status(n) != eagain) return false;
            } else if (n == 0) {
                c.eof[d] = true;
            } else {
                c.pending[d] += @intCast(n);
                c.bytes[d] += n;
                moved = true;
            }
        }
        if (c.pending[d] > 0) {
            const n = linux.syscall6(.splice, @as(u32, @bitCast(p[0])), 0, @as(u32, @bitCast(dst)), 0, c.pending[d], splice_move | splice_nonblock);
            if (!sys.isError(n)) {
                c.pending[d] -= @intCast(n);
                moved = moved or n > 0;
            } else if (sys.status(n) != eagain) return false;
        }
        if (!moved) break;
    }
    if (c.eof[d] and c.pending[d] == 0 and !c.shut[d]) {
        _ = linux.syscall2(.shutdown, @as(u32, @bitCast(dst)), 1); // SHUT_WR
        c.shut[d] = true;
    }
    return true;
}

// ---- DNS ----

fn dnsQueries(s: *Session, index: u32) void {
    const l = s.listeners[index];
    for (0..64) |_| {
        const slot = s.dns_next % dns_slots;
        const p = &s.dns[slot];
        var peer_len: u32 = p.peer.len;
        const n = linux.syscall6(.recvfrom, @as(u32, @bitCast(l.fd)), @intFromPtr(&s.scratch), 4096, msg_dontwait, @intFromPtr(&p.peer), @intFromPtr(&peer_len));
        if (sys.isError(n)) return;
        s.dns_next +%= 1;
        s.dns_gen = (s.dns_gen +% 1) & 0x7fffff;
        p.gen = s.dns_gen;
        p.used = true;
        p.listener = index;
        p.peer_len = peer_len;
        const id = (s.dns_gen << 8) | slot;
        if (!post(s, ev_dns, id, l.tag, &.{s.scratch[0..n]})) p.used = false;
    }
}

fn dnsReply(s: *Session, id: u32, reply: []const u8) void {
    if (id & dns_tcp_bit != 0) {
        const c = conn(s, id & ~dns_tcp_bit) orelse return;
        if (c.state != .dns_tcp or reply.len > 0xffff) return;
        const len = [2]u8{ @truncate(reply.len >> 8), @truncate(reply.len) };
        if (!writeAll(c.client, &len) or !writeAll(c.client, reply)) release(s, c, true);
        return;
    }
    const p = &s.dns[id & 0xff];
    if (!p.used or p.gen != id >> 8) return;
    p.used = false;
    const fd = s.listeners[p.listener].fd;
    _ = linux.syscall6(.sendto, @as(u32, @bitCast(fd)), @intFromPtr(reply.ptr), reply.len, msg_dontwait | msg_nosignal, @intFromPtr(&p.peer), p.peer_len);
}

/// A listening TCP socket on 127.0.0.1 at a port the kernel picks (non-blocking,
/// close-on-exec), in the caller's namespace: the proxy of a sandbox without a
/// network namespace of its own. Returns the fd (its port in `port`) or a raw error.
pub fn listenLoopback(port: *u16) usize {
    const fd = linux.syscall3(.socket, 2, 1 | o_cloexec | o_nonblock, 0);
    if (sys.isError(fd)) return fd;
    var sa: [16]u8 = @splat(0);
    sa[0] = 2; // AF_INET, little-endian sa_family
    sa[4] = 127;
    sa[7] = 1;
    var len: u32 = sa.len;
    var rc = linux.syscall3(.bind, fd, @intFromPtr(&sa), sa.len);
    if (!sys.isError(rc)) rc = linux.syscall2(.listen, fd, 1024);
    if (!sys.isError(rc)) rc = linux.syscall3(.getsockname, fd, @intFromPtr(&sa), @intFromPtr(&len));
    if (sys.isError(rc)) {
        close(@intCast(fd));
        return rc;
    }
    port.* = (@as(u16, sa[2]) << 8) | sa[3];
    return fd;
}

test "a queue full of other events still takes the close of every connection, and no other event" {
    const page = std.heap.page_allocator;
    const s = try page.create(Session);
    defer page.destroy(s);
    var pair: [2]i32 = undefined;
    try std.testing.expect(!sys.isError(linux.syscall4(.socketpair, 1, 1 | o_cloexec, 0, @intFromPtr(&pair)))); // AF_UNIX, SOCK_STREAM
    defer for (pair) |fd| close(fd);
    s.ep = -1;
    s.ctl = pair[0];
    s.out_len = 0;
    s.out_armed = false;
    // Lookups until one is refused: nobody reads the peer, so its buffer fills, then the queue.
    const query: [512]u8 = @splat(0);
    var posted: usize = 0;
    while (post(s, ev_dns, 1, 0, &.{&query})) posted += 1;
    try std.testing.expect(posted > 0);
    try std.testing.expect(s.out_len <= out_size - close_reserve);
    const totals: [16]u8 = @splat(0);
    for (0..max_conns) |i| try std.testing.expect(post(s, ev_closed, @intCast(i), 0, &.{&totals}));
    try std.testing.expect(!post(s, ev_dns, 1, 0, &.{&query}));
}
