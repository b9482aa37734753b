//! cordon-exec: the launcher. Bun is multithreaded and
//! sandbox_init_with_parameters is not async-signal-safe, so on macOS the
//! profile cannot be applied between fork and exec of Bun itself. Bun.spawn
//! starts this small single-threaded program instead; it applies the plan to
//! itself and execs the target, which inherits everything. FreeBSD uses it
//! for the child-side steps (session, rlimits, uid); OpenBSD adds unveil and
//! pledge. Flags of another OS's mechanism are refused.
//!
//!   cordon-exec [--setsid] [--rlimit RES SOFT HARD]... [--user UID GID]
//!               [--param KEY VALUE]... [--profile SBPL]          (macOS)
//!               [--unveil PATH PERMS]... [--pledge PROMISES EXECPROMISES] (OpenBSD)
//!               -- PROGRAM ARG...
//!
//! Order: setsid, rlimits, gid then uid, Seatbelt or unveil+pledge, execve.
//! On failure it prints "cordon-exec: <step>: <reason>" to stderr and exits 125.
const std = @import("std");
const builtin = @import("builtin");
const rlimit = @import("../bsd/rlimit.zig");
const seatbelt = builtin.os.tag == .macos;
const openbsd = builtin.os.tag == .openbsd;
const sandbox = if (seatbelt) @import("../darwin/sandbox.zig") else struct {};
const pledge = if (openbsd) @import("../openbsd/pledge.zig") else struct {};

extern fn setsid() c_int;
extern fn setgid(gid: u32) c_int;
extern fn setuid(uid: u32) c_int;
extern fn setgroups(n: c_int, groups: [*]const u32) c_int;
extern fn execve(path: [*:0]const u8, argv: [*:null]const ?[*:0]const u8, envp: [*:null]const ?[*:0]const u8) c_int;
extern fn write(fd: c_int, buf: [*]const u8, n: usize) isize;
extern fn _exit(code: c_int) noreturn;
extern var environ: [*:null]const ?[*:0]const u8;

/// Distinct from what programs use for "cannot exec" (126) and "not found" (127).
const setup_failed = 125;
/// Room for Seatbelt parameters (key, value pairs and the closing null) and unveil pairs.
const max_pairs = 512;
const max_rlimits = 16;

fn say(parts: []const []const u8) void {
    for (parts) |p| _ = write(2, p.ptr, p.len);
}

fn fail(step: []const u8, reason: []const u8) noreturn {
    say(&.{ "cordon-exec: ", step, ": ", reason, "\n" });
    _exit(setup_failed);
}

fn failCode(step: []const u8, code: c_int) noreturn {
    var buf: [16]u8 = undefined;
    fail(step, std.fmt.bufPrint(&buf, "errno {d}", .{code}) catch "errno");
}

fn failErrno(step: []const u8) noreturn {
    failCode(step, std.c._errno().*);
}

fn number(arg: ?[*:0]const u8, step: []const u8) u64 {
    const text = std.mem.span(arg orelse fail(step, "missing number"));
    return std.fmt.parseInt(u64, text, 10) catch fail(step, "not a number");
}

fn need(argv: []const [*:0]const u8, i: usize, n: usize, step: []const u8) void {
    if (i + n >= argv.len) fail(step, "missing values");
}

const Rlimit = struct { res: i32, soft: u64, hard: u64 };

pub fn main(init: std.process.Init.Minimal) noreturn {
    const argv = init.args.vector;
    var pairs: [max_pairs]?[*:0]const u8 = undefined;
    var npairs: usize = 0;
    var limits: [max_rlimits]Rlimit = undefined;
    var nlimits: usize = 0;
    var profile: ?[*:0]const u8 = null;
    var promises: ?[2][*:0]const u8 = null;
    var uid: ?u32 = null;
    var gid: u32 = 0;
    var new_session = false;

    var i: usize = 1;
    while (i < argv.len) : (i += 1) {
        const a = std.mem.span(argv[i]);
        if (std.mem.eql(u8, a, "--")) {
            i += 1;
            break;
        } else if (std.mem.eql(u8, a, "--setsid")) {
            new_session = true;
        } else if (std.mem.eql(u8, a, "--rlimit")) {
            need(argv, i, 3, "--rlimit");
            if (nlimits == max_rlimits) fail("--rlimit", "too many");
            limits[nlimits] = .{ .res = @intCast(number(argv[i + 1], "--rlimit")), .soft = number(argv[i + 2], "--rlimit"), .hard = number(argv[i + 3], "--rlimit") };
            nlimits += 1;
            i += 3;
        } else if (std.mem.eql(u8, a, "--user")) {
            need(argv, i, 2, "--user");
            uid = @intCast(number(argv[i + 1], "--user"));
            gid = @intCast(number(argv[i + 2], "--user"));
            i += 2;
        } else if (std.mem.eql(u8, a, "--param") or std.mem.eql(u8, a, "--unveil")) {
            const ours = if (a[2] == 'p') seatbelt else openbsd;
            if (!ours) fail(a, "not a mechanism of this OS");
            need(argv, i, 2, a);
            if (npairs + 3 > max_pairs) fail(a, "too many");
            pairs[npairs] = argv[i + 1];
            pairs[npairs + 1] = argv[i + 2];
            npairs += 2;
            i += 2;
        } else if (std.mem.eql(u8, a, "--profile")) {
            if (!seatbelt) fail(a, "Seatbelt exists only on macOS");
            need(argv, i, 1, a);
            profile = argv[i + 1];
            i += 1;
        } else if (std.mem.eql(u8, a, "--pledge")) {
            if (!openbsd) fail(a, "pledge exists only on OpenBSD");
            need(argv, i, 2, a);
            promises = .{ argv[i + 1], argv[i + 2] };
            i += 2;
        } else {
            fail("arguments", a);
        }
    }
    if (i >= argv.len) fail("arguments", "no program after --");
    const program = argv[i];
    if (program[0] != '/') fail("arguments", "the program must be an absolute path");

    // A new session makes the tree one process group that can be signalled at once.
    if (new_session and setsid() < 0) failErrno("setsid");
    for (limits[0..nlimits]) |l| {
        const rc = rlimit.set(l.res, l.soft, l.hard);
        if (rc < 0) failCode("setrlimit", -rc);
    }
    if (uid) |u| {
        const none = [_]u32{};
        if (setgroups(0, &none) < 0) failErrno("setgroups");
        if (setgid(gid) < 0) failErrno("setgid");
        if (setuid(u) < 0) failErrno("setuid");
    }
    if (seatbelt) applySeatbelt(profile, &pairs, npairs);
    if (openbsd) applyPledge(pairs[0..npairs], promises);
    _ = execve(program, @ptrCast(argv[i..].ptr), environ);
    failErrno("execve");
}

fn applySeatbelt(profile: ?[*:0]const u8, pairs: *[max_pairs]?[*:0]const u8, npairs: usize) void {
    const p = profile orelse return;
    // Seatbelt cannot nest: a second sandbox_init fails (forbidden-sandbox-reinit). Say so plainly.
    if (sandbox.selfSandboxed()) fail("seatbelt", "already sandboxed; Seatbelt cannot nest");
    pairs[npairs] = null;
    if (sandbox.apply(p, @ptrCast(pairs))) |msg| {
        say(&.{ "cordon-exec: seatbelt: ", std.mem.span(msg), "\n" });
        sandbox.freeError(msg);
        _exit(setup_failed);
    }
}

fn applyPledge(unveils: []const ?[*:0]const u8, promises: ?[2][*:0]const u8) void {
    // Without execpromises execve would drop the unveil list: refuse rather than run unconfined.
    if (unveils.len > 0 and promises == null) fail("unveil", "needs --pledge with execpromises to survive execve");
    var k: usize = 0;
    while (k < unveils.len) : (k += 2) {
        const rc = pledge.reveal(unveils[k].?, unveils[k + 1].?);
        if (rc < 0) failCode("unveil", -rc);
    }
    if (unveils.len > 0) {
        const rc = pledge.lock();
        if (rc < 0) failCode("unveil", -rc);
    }
    if (promises) |p| {
        const rc = pledge.apply(p[0], p[1]);
        if (rc < 0) failCode("pledge", -rc);
    }
}
