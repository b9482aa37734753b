//! Single-process operations: wait, exit code, terminate, mitigation read-back.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const st = @import("status.zig");

/// 0 when the process has exited, 1 on timeout.
pub fn wait(process: t.HANDLE, timeout_ms: u32) abi.Status {
    return switch (k32.WaitForSingleObject(process, timeout_ms)) {
        t.WAIT_OBJECT_0 => 0,
        t.WAIT_TIMEOUT => 1,
        else => st.lastError(),
    };
}

pub fn exitCode(process: t.HANDLE, out: *align(1) u32) abi.Status {
    var code: t.DWORD = 0;
    if (k32.GetExitCodeProcess(process, &code) == 0) return st.lastError();
    out.* = code;
    return 0;
}

/// The first DWORD of GetProcessMitigationPolicy's record for `policy`
/// (PROCESS_MITIGATION_POLICY): the flags word of every policy record.
pub fn mitigationFlags(process: t.HANDLE, policy: i32, out: *align(1) u32) abi.Status {
    var buf: [2]u64 = .{ 0, 0 };
    if (k32.GetProcessMitigationPolicy(process, policy, &buf, 8) == 0) return st.lastError();
    out.* = @truncate(buf[0]);
    return 0;
}

/// OpenProcess without inheritance; `access` is PROCESS_* rights.
pub fn open(pid: u32, access: u32, out: *align(1) u64) abi.Status {
    const h = k32.OpenProcess(access, 0, pid) orelse return st.lastError();
    out.* = t.handleBits(h);
    return 0;
}
