//! cordon-exec: the launcher. Bun is multithreaded and
//! sandbox_init_with_parameters is not async-signal-safe, so on macOS the
//! profile cannot be applied between fork and exec of Bun itself. Bun.spawn
//! starts this small single-threaded program instead; it applies the plan to
//! itself and execs the target, which inherits everything. FreeBSD uses the
//! same launcher for the child-side steps (session, rlimits, uid); Seatbelt
//! flags are refused there.
//!
//!   cordon-exec [--setsid] [--rlimit RES SOFT HARD]... [--user UID GID]
//!               [--param KEY VALUE]... [--profile SBPL] -- PROGRAM ARG...
//!
//! Order: setsid, rlimits, gid then uid, Seatbelt, execve. On failure it
//! prints "cordon-exec: <step>: <reason>" to stderr and exits 125.
const std = @import("std");
const builtin = @import("builtin");
const rlimit = @import("../bsd/rlimit.zig");
const seatbelt = builtin.os.tag == .macos;
const sandbox = if (seatbelt) @import("../darwin/sandbox.zig") else struct {};

extern fn setsid() c_int;
extern fn setgid(gid: u32) c_int;
extern fn setuid(uid: u32) c_int;
extern fn setgroups(n: c_int, groups: [*]const u32) c_int;
extern fn execve(path: [*:0]const u8, argv: [*:null]const ?[*:0]const u8, envp: [*:null]const ?[*:0]const u8) c_int;
extern fn write(fd: c_int, buf: [*]const u8, n: usize) isize;
extern fn _exit(code: c_int) noreturn;
extern var environ: [*:null]const ?[*:0]const u8;

/// Distinct from any status the program itself is likely to use for "not found" (127) or "cannot exec" (126).
const setup_failed = 125;
/// Room for the Seatbelt parameters: key, value pairs and the closing null.
const max_params = 512;

fn say(parts: []const []const u8) void {
    for (parts) |p| _ = write(2, p.ptr, p.len);
}

fn fail(step: []const u8, reason: []const u8) noreturn {
    say(&.{ "cordon-exec: ", step, ": ", reason, "\n" });
    _exit(setup_failed);
}

fn failErrno(step: []const u8) noreturn {
    const e: std.c.E = @enumFromInt(std.c._errno().*);
    fail(step, @tagName(e));
}

fn number(arg: ?[*:0]const u8, step: []const u8) u64 {
    const text = std.mem.span(arg orelse fail(step, "missing number"));
    return std.fmt.parseInt(u64, text, 10) catch fail(step, "not a number");
}

pub fn main(init: std.process.Init.Minimal) noreturn {
    const argv = init.args.vector;
    var params: [max_params]?[*:0]const u8 = undefined;
    var nparams: usize = 0;
    var profile: ?[*:0]const u8 = null;
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
            // Applied in argument order; collected later would need storage, and order does not matter here.
            if (i + 3 >= argv.len) fail("--rlimit", "needs RES SOFT HARD");
            const res = number(argv[i + 1], "--rlimit");
            const soft = number(argv[i + 2], "--rlimit");
            const hard = number(argv[i + 3], "--rlimit");
            i += 3;
            if (rlimit.set(@intCast(res), soft, hard) < 0) failErrno("setrlimit");
        } else if (std.mem.eql(u8, a, "--user")) {
            if (i + 2 >= argv.len) fail("--user", "needs UID GID");
            uid = @intCast(number(argv[i + 1], "--user"));
            gid = @intCast(number(argv[i + 2], "--user"));
            i += 2;
        } else if (std.mem.eql(u8, a, "--param")) {
            if (!seatbelt) fail("--param", "Seatbelt exists only on macOS");
            if (i + 2 >= argv.len) fail("--param", "needs KEY VALUE");
            if (nparams + 3 > max_params) fail("--param", "too many parameters");
            params[nparams] = argv[i + 1];
            params[nparams + 1] = argv[i + 2];
            nparams += 2;
            i += 2;
        } else if (std.mem.eql(u8, a, "--profile")) {
            if (!seatbelt) fail("--profile", "Seatbelt exists only on macOS");
            if (i + 1 >= argv.len) fail("--profile", "needs the profile text");
            profile = argv[i + 1];
            i += 1;
        } else {
            fail("arguments", a);
        }
    }
    if (i >= argv.len) fail("arguments", "no program after --");
    const program = argv[i];
    if (program[0] != '/') fail("arguments", "the program must be an absolute path");

    // A new session makes the tree one process group the backend can signal at once.
    if (new_session and setsid() < 0) failErrno("setsid");
    if (uid) |u| {
        const none = [_]u32{};
        if (setgroups(0, &none) < 0) failErrno("setgroups");
        if (setgid(gid) < 0) failErrno("setgid");
        if (setuid(u) < 0) failErrno("setuid");
    }
    if (seatbelt) {
        if (profile) |p| {
            // Seatbelt cannot nest: a second sandbox_init fails (forbidden-sandbox-reinit). Say so plainly.
            if (sandbox.selfSandboxed()) fail("seatbelt", "already sandboxed; Seatbelt cannot nest");
            params[nparams] = null;
            if (sandbox.apply(p, @ptrCast(&params))) |msg| {
                say(&.{ "cordon-exec: seatbelt: ", std.mem.span(msg), "\n" });
                sandbox.freeError(msg);
                _exit(setup_failed);
            }
        }
    }
    _ = execve(program, @ptrCast(argv[i..].ptr), environ);
    failErrno("execve");
}
