//! Job object exports (cordon_windows_job.h).
const abi = @import("../abi.zig");
const t = @import("../windows/types.zig");
const k32 = @import("../windows/kernel32.zig");
const st = @import("../windows/status.zig");
const job = @import("../windows/job.zig");

export fn cordon_windows_job_create(out: [*]u8, len: usize) abi.Status {
    if (len < 16) return abi.Error.buffer_too_small.status();
    return job.create(@ptrCast(out), @ptrCast(out + 8));
}

export fn cordon_windows_job_set_limits(h: u64, limits: [*]const u8, len: usize) abi.Status {
    if (len != @sizeOf(job.Limits)) return abi.Error.abi_mismatch.status();
    return job.setLimits(t.handle(h), @ptrCast(limits));
}

export fn cordon_windows_job_query_limits(h: u64, limits: [*]u8, len: usize) abi.Status {
    if (len != @sizeOf(job.Limits)) return abi.Error.abi_mismatch.status();
    return job.queryLimits(t.handle(h), @ptrCast(limits));
}

export fn cordon_windows_job_set_cpu_rate(h: u64, control_flags: u32, value: u32) abi.Status {
    return job.setCpuRate(t.handle(h), control_flags, value);
}

export fn cordon_windows_job_set_ui_restrictions(h: u64, ui_class: u32) abi.Status {
    return job.setUiRestrictions(t.handle(h), ui_class);
}

export fn cordon_windows_job_query_ui_restrictions(h: u64) abi.Status {
    return job.queryUiRestrictions(t.handle(h));
}

export fn cordon_windows_job_assign(h: u64, process: u64) abi.Status {
    return st.fromBool(k32.AssignProcessToJobObject(t.handle(h), t.handle(process)));
}

export fn cordon_windows_job_contains(h: u64, process: u64) abi.Status {
    return job.contains(t.handle(h), t.handle(process));
}

export fn cordon_windows_job_terminate(h: u64, exit_code: u32) abi.Status {
    return st.fromBool(k32.TerminateJobObject(t.handle(h), exit_code));
}

export fn cordon_windows_job_process_ids(h: u64, buf: [*]u8, len: usize) abi.Status {
    return job.processIds(t.handle(h), buf[0..len]);
}

export fn cordon_windows_job_accounting(h: u64, buf: [*]u8, len: usize) abi.Status {
    if (len != @sizeOf(t.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION)) return abi.Error.abi_mismatch.status();
    return job.accounting(t.handle(h), @ptrCast(buf));
}

export fn cordon_windows_job_next_event(port: u64, event: [*]u8, len: usize, timeout_ms: u32) abi.Status {
    if (len != @sizeOf(job.Event)) return abi.Error.abi_mismatch.status();
    return job.nextEvent(t.handle(port), @ptrCast(event), timeout_ms);
}

export fn cordon_windows_job_post(port: u64, message: u32, value: u64) abi.Status {
    return job.post(t.handle(port), message, value);
}
