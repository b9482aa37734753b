//! Spawn and single-process exports (cordon_windows_spawn.h).
const abi = @import("../abi.zig");
const t = @import("../windows/types.zig");
const k32 = @import("../windows/kernel32.zig");
const st = @import("../windows/status.zig");
const spawn = @import("../windows/spawn.zig");
const process = @import("../windows/process.zig");

export fn cordon_windows_spawn(request: [*]const u8, request_len: usize, result: [*]u8, result_len: usize) abi.Status {
    if (request_len != @sizeOf(spawn.Request) or result_len != @sizeOf(spawn.Result)) return abi.Error.abi_mismatch.status();
    return spawn.spawn(@ptrCast(request), @ptrCast(result));
}

export fn cordon_windows_thread_resume(thread: u64) abi.Status {
    const prev = k32.ResumeThread(t.handle(thread));
    if (prev == 0xFFFF_FFFF) return st.lastError();
    return @intCast(prev & 0x7FFF_FFFF);
}

export fn cordon_windows_process_wait(h: u64, timeout_ms: u32) abi.Status {
    return process.wait(t.handle(h), timeout_ms);
}

export fn cordon_windows_process_exit_code(h: u64, out: [*]u8, len: usize) abi.Status {
    if (len < 4) return abi.Error.buffer_too_small.status();
    return process.exitCode(t.handle(h), @ptrCast(out));
}

export fn cordon_windows_process_terminate(h: u64, exit_code: u32) abi.Status {
    return st.fromBool(k32.TerminateProcess(t.handle(h), exit_code));
}

export fn cordon_windows_process_mitigation(h: u64, policy: i32, out: [*]u8, len: usize) abi.Status {
    if (len < 4) return abi.Error.buffer_too_small.status();
    return process.mitigationFlags(t.handle(h), policy, @ptrCast(out));
}

export fn cordon_windows_process_open(pid: u32, access: u32, out: [*]u8, len: usize) abi.Status {
    if (len < 8) return abi.Error.buffer_too_small.status();
    return process.open(pid, access, @ptrCast(out));
}
