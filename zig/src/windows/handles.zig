//! Handle enumeration of one process, through ntdll: which handles a process
//! holds, with their attributes (OBJ_INHERIT), type index and access. The
//! start-up check compares a suspended child's table with cordon's own to
//! find handles that reached the child without being on its handle list.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const nt = @import("ntdll.zig");
const st = @import("status.zig");

/// cordon_windows_handle_entry in cordon_windows_process.h.
pub const Entry = extern struct {
    value: u64,
    access: u32,
    type_index: u32,
    attributes: u32,
    reserved: u32 = 0,
};

/// PROCESS_HANDLE_TABLE_ENTRY_INFO (Windows 8+).
const ProcessEntry = extern struct {
    HandleValue: usize,
    HandleCount: usize,
    PointerCount: usize,
    GrantedAccess: u32,
    ObjectTypeIndex: u32,
    HandleAttributes: u32,
    Reserved: u32,
};

/// SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX.
const SystemEntry = extern struct {
    Object: usize,
    UniqueProcessId: usize,
    HandleValue: usize,
    GrantedAccess: u32,
    CreatorBackTraceIndex: u16,
    ObjectTypeIndex: u16,
    HandleAttributes: u32,
    Reserved: u32,
};

const STATUS_INVALID_INFO_CLASS: t.NTSTATUS = @bitCast(@as(u32, 0xC0000003));
const STATUS_NOT_IMPLEMENTED: t.NTSTATUS = @bitCast(@as(u32, 0xC0000002));

/// The handles of `process` into `out` (Entry records); returns their number.
/// Asks the process itself (ProcessHandleInformation); a system that does not
/// answer that class is asked for every handle of the system
/// (SystemExtendedHandleInformation), filtered by the process id. A too-small
/// `scratch` gives STATUS_INFO_LENGTH_MISMATCH, a too-small `out`
/// CORDON_E_BUFFER_TOO_SMALL.
pub fn list(process: t.HANDLE, scratch: []u8, out: []u8) abi.Status {
    if (@intFromPtr(scratch.ptr) % 8 != 0 or @intFromPtr(out.ptr) % 8 != 0 or scratch.len < 16) return abi.Error.invalid_argument.status();
    const entries: []align(1) Entry = @as([*]align(1) Entry, @ptrCast(out.ptr))[0 .. out.len / @sizeOf(Entry)];
    const rc = nt.queryProcess(process, nt.ProcessHandleInformation, scratch, null);
    if (rc == STATUS_INVALID_INFO_CLASS or rc == STATUS_NOT_IMPLEMENTED) return listFromSystem(process, scratch, entries);
    if (rc < 0) return normalize(rc);
    const head: *const [2]usize = @ptrCast(@alignCast(scratch.ptr));
    const n = head[0];
    if (16 + n * @sizeOf(ProcessEntry) > scratch.len) return abi.Error.record_out_of_bounds.status();
    if (n > entries.len) return abi.Error.buffer_too_small.status();
    const records: [*]const ProcessEntry = @ptrCast(@alignCast(scratch.ptr + 16));
    for (records[0..n], 0..) |r, i| {
        entries[i] = .{ .value = r.HandleValue, .access = r.GrantedAccess, .type_index = r.ObjectTypeIndex, .attributes = r.HandleAttributes };
    }
    return @intCast(n);
}

fn listFromSystem(process: t.HANDLE, scratch: []u8, entries: []align(1) Entry) abi.Status {
    const pid = k32.GetProcessId(process);
    if (pid == 0) return st.lastError();
    const rc = nt.querySystem(nt.SystemExtendedHandleInformation, scratch, null);
    if (rc < 0) return normalize(rc);
    const head: *const [2]usize = @ptrCast(@alignCast(scratch.ptr));
    const n = head[0];
    if (16 + n * @sizeOf(SystemEntry) > scratch.len) return abi.Error.record_out_of_bounds.status();
    const records: [*]const SystemEntry = @ptrCast(@alignCast(scratch.ptr + 16));
    var count: usize = 0;
    for (records[0..n]) |r| {
        if (r.UniqueProcessId != pid) continue;
        if (count == entries.len) return abi.Error.buffer_too_small.status();
        entries[count] = .{ .value = r.HandleValue, .access = r.GrantedAccess, .type_index = r.ObjectTypeIndex, .attributes = r.HandleAttributes };
        count += 1;
    }
    return @intCast(count);
}

/// Either class answers a too-small buffer with one of two codes: one of them,
/// always, so the caller grows its scratch on one code only.
fn normalize(rc: t.NTSTATUS) abi.Status {
    return if (rc == nt.STATUS_BUFFER_TOO_SMALL) nt.STATUS_INFO_LENGTH_MISMATCH else rc;
}

const DUPLICATE_SAME_ACCESS: t.DWORD = 0x2;
const kernelbase_name = [_:0]u16{ 'k', 'e', 'r', 'n', 'e', 'l', 'b', 'a', 's', 'e', '.', 'd', 'l', 'l' };

/// 1 when handle `value` of `process` and this process's handle `own` name the
/// same kernel object, 0 when not. CompareObjectHandles is looked up at run
/// time (kernelbase.dll, Windows 10+): a system without it gives NOT_SUPPORTED.
pub fn sameObject(process: t.HANDLE, value: u64, own: t.HANDLE) abi.Status {
    const base = k32.GetModuleHandleW(&kernelbase_name) orelse return abi.Error.not_supported.status();
    const sym = k32.GetProcAddress(base, "CompareObjectHandles") orelse return abi.Error.not_supported.status();
    const compare: *const fn (t.HANDLE, t.HANDLE) callconv(.winapi) t.BOOL = @ptrCast(@alignCast(sym));
    var dup: t.HANDLE = null;
    const self = k32.GetCurrentProcess();
    if (k32.DuplicateHandle(process, t.handle(value), self, &dup, 0, 0, DUPLICATE_SAME_ACCESS) == 0) return st.lastError();
    defer _ = k32.CloseHandle(dup);
    return if (compare(dup, own) != 0) 1 else 0;
}

comptime {
    if (@sizeOf(Entry) != 24) @compileError("handle entry drifted from cordon_windows_process.h");
    if (@sizeOf(ProcessEntry) != 40 or @sizeOf(SystemEntry) != 40) @compileError("NT handle records");
}
