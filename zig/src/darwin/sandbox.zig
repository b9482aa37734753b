//! Seatbelt through libsystem_sandbox (re-exported by libSystem). The
//! functions are not in the public SDK headers; their prototypes below are
//! the ones libSystem exports. sandbox_init_with_parameters is not
//! async-signal-safe, so it runs only in the single-threaded launcher.

/// Profile text is SBPL source (flags 0); `parameters` alternate key, value and end with null.
extern fn sandbox_init_with_parameters(profile: [*:0]const u8, flags: u64, parameters: [*:null]const ?[*:0]const u8, errorbuf: *?[*:0]u8) c_int;
extern fn sandbox_free_error(errorbuf: [*:0]u8) void;
/// With a null operation it answers whether `pid` runs under any sandbox.
extern fn sandbox_check(pid: c_int, operation: ?[*:0]const u8, filter_type: c_int, ...) c_int;
extern fn getpid() c_int;

const SANDBOX_FILTER_NONE: c_int = 0;

/// 1 if `pid` is sandboxed, 0 if not.
pub fn isSandboxed(pid: c_int) bool {
    return sandbox_check(pid, null, SANDBOX_FILTER_NONE) != 0;
}

pub fn selfSandboxed() bool {
    return isSandboxed(getpid());
}

/// Applies `profile` to the calling process. On failure returns the
/// library's message (caller frees it with `freeError`).
pub fn apply(profile: [*:0]const u8, params: [*:null]const ?[*:0]const u8) ?[*:0]u8 {
    var err: ?[*:0]u8 = null;
    if (sandbox_init_with_parameters(profile, 0, params, &err) == 0) return null;
    return err orelse @constCast("sandbox_init_with_parameters failed");
}

pub fn freeError(msg: [*:0]u8) void {
    sandbox_free_error(msg);
}
