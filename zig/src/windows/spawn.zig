//! CreateProcessW with STARTUPINFOEXW: the child is born with its limits.
//! HANDLE_LIST: only the named handles are inherited, whatever else is
//! inheritable in this process (other threads' pipes included).
//! JOB_LIST: the child starts inside the job, so there is no window between
//! creation and AssignProcessToJobObject in which it could spawn outside it.
//! MITIGATION_POLICY / CHILD_PROCESS_POLICY / SECURITY_CAPABILITIES: fixed at
//! creation; a process cannot loosen them later.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const st = @import("status.zig");

/// cordon_windows_spawn_request in cordon_windows_spawn.h (pointers as u64).
pub const Request = extern struct {
    command_line: u64,
    application: u64,
    environment: u64,
    current_directory: u64,
    inherit_handles: u64,
    inherit_count: u32,
    creation_flags: u32,
    job: u64,
    mitigation: [2]u64,
    child_process_policy: u32,
    attributes: u32,
    std_input: u64,
    std_output: u64,
    std_error: u64,
    token: u64,
    security_capabilities: u64,
};

/// Bits of Request.attributes: which optional attributes to set.
pub const attr_mitigation: u32 = 1;
pub const attr_child_process_policy: u32 = 2;
pub const attr_std_handles: u32 = 4;
pub const attr_security_capabilities: u32 = 8;

/// cordon_windows_spawn_result.
pub const Result = extern struct {
    process: u64,
    thread: u64,
    process_id: u32,
    thread_id: u32,
};

fn ptr(comptime T: type, v: u64) ?T {
    if (v == 0) return null;
    return @ptrFromInt(@as(usize, @intCast(v)));
}

pub fn spawn(req: *align(1) const Request, out: *align(1) Result) abi.Status {
    const command_line = ptr([*:0]u16, req.command_line) orelse return abi.Error.invalid_argument.status();
    if (req.inherit_count > 0 and req.inherit_handles == 0) return abi.Error.invalid_argument.status();

    var count: u32 = 0;
    if (req.inherit_count > 0) count += 1;
    if (req.job != 0) count += 1;
    if (req.attributes & attr_mitigation != 0) count += 1;
    if (req.attributes & attr_child_process_policy != 0) count += 1;
    if (req.attributes & attr_security_capabilities != 0) count += 1;

    // A handful of attributes need a few hundred bytes; no heap needed.
    var list_buf: [1024]u8 align(16) = undefined;
    var size: usize = 0;
    _ = k32.InitializeProcThreadAttributeList(null, count, 0, &size);
    if (size > list_buf.len) return abi.Error.buffer_too_small.status();
    const list: t.PVOID = @ptrCast(&list_buf);
    if (k32.InitializeProcThreadAttributeList(list, count, 0, &size) == 0) return st.lastError();
    defer k32.DeleteProcThreadAttributeList(list);

    // The values must stay alive until CreateProcess returns: locals of this frame.
    const jobs = [1]t.HANDLE{t.handle(req.job)};
    const mitigation = req.mitigation;
    const child_policy: t.DWORD = req.child_process_policy;

    if (req.inherit_count > 0) {
        const handles = ptr(*const anyopaque, req.inherit_handles).?;
        if (k32.UpdateProcThreadAttribute(list, 0, t.PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles, @as(usize, req.inherit_count) * @sizeOf(t.HANDLE), null, null) == 0)
            return st.lastError();
    }
    if (req.job != 0) {
        if (k32.UpdateProcThreadAttribute(list, 0, t.PROC_THREAD_ATTRIBUTE_JOB_LIST, &jobs, @sizeOf(@TypeOf(jobs)), null, null) == 0)
            return st.lastError();
    }
    if (req.attributes & attr_mitigation != 0) {
        // Two DWORD64s when the second word is used; older systems take only one.
        const n: usize = if (mitigation[1] != 0) 16 else 8;
        if (k32.UpdateProcThreadAttribute(list, 0, t.PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY, &mitigation, n, null, null) == 0)
            return st.lastError();
    }
    if (req.attributes & attr_child_process_policy != 0) {
        if (k32.UpdateProcThreadAttribute(list, 0, t.PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY, &child_policy, @sizeOf(t.DWORD), null, null) == 0)
            return st.lastError();
    }
    if (req.attributes & attr_security_capabilities != 0) {
        const caps = ptr(*const t.SECURITY_CAPABILITIES, req.security_capabilities) orelse return abi.Error.invalid_argument.status();
        if (k32.UpdateProcThreadAttribute(list, 0, t.PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES, caps, @sizeOf(t.SECURITY_CAPABILITIES), null, null) == 0)
            return st.lastError();
    }

    var si = t.STARTUPINFOEXW{ .StartupInfo = .{ .cb = @sizeOf(t.STARTUPINFOEXW) }, .lpAttributeList = list };
    if (req.attributes & attr_std_handles != 0) {
        si.StartupInfo.dwFlags |= t.STARTF_USESTDHANDLES;
        si.StartupInfo.hStdInput = t.handle(req.std_input);
        si.StartupInfo.hStdOutput = t.handle(req.std_output);
        si.StartupInfo.hStdError = t.handle(req.std_error);
    }
    const flags = req.creation_flags | t.EXTENDED_STARTUPINFO_PRESENT | t.CREATE_UNICODE_ENVIRONMENT;
    // Inheritance is on only with an explicit list: nothing leaks by default.
    const inherit: t.BOOL = if (req.inherit_count > 0) 1 else 0;
    var pi: t.PROCESS_INFORMATION = undefined;
    const ok = if (req.token != 0)
        adv.CreateProcessAsUserW(t.handle(req.token), ptr([*:0]const u16, req.application), command_line, null, null, inherit, flags, ptr(*anyopaque, req.environment), ptr([*:0]const u16, req.current_directory), &si.StartupInfo, &pi)
    else
        k32.CreateProcessW(ptr([*:0]const u16, req.application), command_line, null, null, inherit, flags, ptr(*anyopaque, req.environment), ptr([*:0]const u16, req.current_directory), &si.StartupInfo, &pi);
    if (ok == 0) return st.lastError();
    out.* = .{ .process = t.handleBits(pi.hProcess), .thread = t.handleBits(pi.hThread), .process_id = pi.dwProcessId, .thread_id = pi.dwThreadId };
    return 0;
}

comptime {
    // The header's record sizes; TypeScript builds the same bytes.
    if (@sizeOf(Request) != 120 or @sizeOf(Result) != 24) @compileError("spawn records drifted from cordon_windows_spawn.h");
}
