//! Job objects: the process tree's container. A job is created together with
//! its own I/O completion port; the port's messages (NEW_PROCESS,
//! EXIT_PROCESS, ACTIVE_PROCESS_ZERO, memory limit hits) are how cordon
//! learns that the whole tree is gone, not just the first process.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const st = @import("status.zig");

/// The one completion key cordon uses; each job has its own port.
pub const completion_key: usize = 0xC0D0;
/// Posted to a port to wake its waiter (no job message uses this number).
pub const wake_message: u32 = 0xC0D0;

pub fn create(job_out: *align(1) u64, port_out: *align(1) u64) abi.Status {
    const job = k32.CreateJobObjectW(null, null) orelse return st.lastError();
    const port = k32.CreateIoCompletionPort(t.INVALID_HANDLE_VALUE, null, 0, 1) orelse {
        const rc = st.lastError();
        _ = k32.CloseHandle(job);
        return rc;
    };
    // Associate before any process joins, or its NEW_PROCESS is lost.
    const assoc = t.JOBOBJECT_ASSOCIATE_COMPLETION_PORT{ .CompletionKey = @ptrFromInt(completion_key), .CompletionPort = port };
    if (k32.SetInformationJobObject(job, .JobObjectAssociateCompletionPortInformation, &assoc, @sizeOf(@TypeOf(assoc))) == 0) {
        const rc = st.lastError();
        _ = k32.CloseHandle(port);
        _ = k32.CloseHandle(job);
        return rc;
    }
    job_out.* = t.handleBits(job);
    port_out.* = t.handleBits(port);
    return 0;
}

/// cordon_windows_job_limits in cordon_windows_job.h.
pub const Limits = extern struct {
    limit_flags: u32,
    active_process_limit: u32,
    process_memory_limit: u64,
    job_memory_limit: u64,
    per_process_user_time: i64,
    per_job_user_time: i64,
};

pub fn setLimits(job: t.HANDLE, l: *align(1) const Limits) abi.Status {
    var info = t.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{};
    info.BasicLimitInformation.LimitFlags = l.limit_flags;
    info.BasicLimitInformation.ActiveProcessLimit = l.active_process_limit;
    info.BasicLimitInformation.PerProcessUserTimeLimit = l.per_process_user_time;
    info.BasicLimitInformation.PerJobUserTimeLimit = l.per_job_user_time;
    info.ProcessMemoryLimit = @intCast(l.process_memory_limit);
    info.JobMemoryLimit = @intCast(l.job_memory_limit);
    return st.fromBool(k32.SetInformationJobObject(job, .JobObjectExtendedLimitInformation, &info, @sizeOf(@TypeOf(info))));
}

pub fn queryLimits(job: t.HANDLE, out: *align(1) Limits) abi.Status {
    var info = t.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{};
    if (k32.QueryInformationJobObject(job, .JobObjectExtendedLimitInformation, &info, @sizeOf(@TypeOf(info)), null) == 0) return st.lastError();
    out.* = .{
        .limit_flags = info.BasicLimitInformation.LimitFlags,
        .active_process_limit = info.BasicLimitInformation.ActiveProcessLimit,
        .process_memory_limit = info.ProcessMemoryLimit,
        .job_memory_limit = info.JobMemoryLimit,
        .per_process_user_time = info.BasicLimitInformation.PerProcessUserTimeLimit,
        .per_job_user_time = info.BasicLimitInformation.PerJobUserTimeLimit,
    };
    return 0;
}

pub fn setCpuRate(job: t.HANDLE, control_flags: u32, value: u32) abi.Status {
    const info = t.JOBOBJECT_CPU_RATE_CONTROL_INFORMATION{ .ControlFlags = control_flags, .Value = value };
    return st.fromBool(k32.SetInformationJobObject(job, .JobObjectCpuRateControlInformation, &info, @sizeOf(@TypeOf(info))));
}

pub fn setUiRestrictions(job: t.HANDLE, class: u32) abi.Status {
    const info = t.JOBOBJECT_BASIC_UI_RESTRICTIONS{ .UIRestrictionsClass = class };
    return st.fromBool(k32.SetInformationJobObject(job, .JobObjectBasicUIRestrictions, &info, @sizeOf(@TypeOf(info))));
}

/// The UI restriction class as the kernel reports it back (a host that does
/// not keep it reads back 0).
pub fn queryUiRestrictions(job: t.HANDLE) abi.Status {
    var info = t.JOBOBJECT_BASIC_UI_RESTRICTIONS{ .UIRestrictionsClass = 0 };
    if (k32.QueryInformationJobObject(job, .JobObjectBasicUIRestrictions, &info, @sizeOf(@TypeOf(info)), null) == 0) return st.lastError();
    return @intCast(info.UIRestrictionsClass & 0x7FFF_FFFF);
}

/// Writes JOBOBJECT_BASIC_PROCESS_ID_LIST into `buf` (two u32 counts, then
/// one pointer-sized pid each); returns the number of pids in the list.
pub fn processIds(job: t.HANDLE, buf: []u8) abi.Status {
    if (buf.len < @sizeOf(t.JOBOBJECT_BASIC_PROCESS_ID_LIST) + @sizeOf(usize) or @intFromPtr(buf.ptr) % @alignOf(usize) != 0)
        return abi.Error.invalid_argument.status();
    const len: u32 = @intCast(@min(buf.len, 0x7FFF_FFFF));
    if (k32.QueryInformationJobObject(job, .JobObjectBasicProcessIdList, buf.ptr, len, null) == 0) return st.lastError();
    const head: *const t.JOBOBJECT_BASIC_PROCESS_ID_LIST = @ptrCast(@alignCast(buf.ptr));
    if (head.NumberOfProcessIdsInList < head.NumberOfAssignedProcesses) return abi.Error.buffer_too_small.status();
    return @intCast(head.NumberOfProcessIdsInList);
}

pub fn accounting(job: t.HANDLE, out: *align(1) t.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION) abi.Status {
    var info: t.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION = undefined;
    if (k32.QueryInformationJobObject(job, .JobObjectBasicAccountingInformation, &info, @sizeOf(@TypeOf(info)), null) == 0) return st.lastError();
    out.* = info;
    return 0;
}

/// cordon_windows_job_event in cordon_windows_job.h.
pub const Event = extern struct {
    message: u32,
    reserved: u32 = 0,
    key: u64,
    value: u64,
};

/// Blocks up to `timeout_ms` for the port's next message: 1 with `out`
/// filled, 0 on timeout. For job messages `value` is the process id.
pub fn nextEvent(port: t.HANDLE, out: *align(1) Event, timeout_ms: u32) abi.Status {
    var message: t.DWORD = 0;
    var key: usize = 0;
    var overlapped: t.PVOID = null;
    if (k32.GetQueuedCompletionStatus(port, &message, &key, &overlapped, timeout_ms) == 0) {
        const err = k32.GetLastError();
        if (overlapped == null and err == t.WAIT_TIMEOUT) return 0;
        return st.lastError();
    }
    out.* = .{ .message = message, .key = key, .value = @intFromPtr(overlapped) };
    return 1;
}

pub fn post(port: t.HANDLE, message: u32, value: u64) abi.Status {
    return st.fromBool(k32.PostQueuedCompletionStatus(port, message, completion_key, @ptrFromInt(@as(usize, @intCast(value)))));
}

pub fn contains(job: t.HANDLE, process: t.HANDLE) abi.Status {
    var result: t.BOOL = 0;
    if (k32.IsProcessInJob(process, job, &result) == 0) return st.lastError();
    return if (result != 0) 1 else 0;
}

comptime {
    if (@sizeOf(Limits) != 40 or @sizeOf(Event) != 24) @compileError("job records drifted from cordon_windows_job.h");
    if (@sizeOf(t.JOBOBJECT_BASIC_ACCOUNTING_INFORMATION) != 48) @compileError("accounting record size");
}
