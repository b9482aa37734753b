//! Win32/NT types and records cordon passes to the system DLLs, spelled as
//! on MSDN. Plain integer types (not std's wrappers) so the layouts read
//! exactly like the documentation; every record is `extern struct`.
pub const BOOL = i32;
pub const DWORD = u32;
pub const WORD = u16;
pub const BYTE = u8;
pub const ULONG = u32;
pub const SIZE_T = usize;
pub const ULONG_PTR = usize;
pub const HANDLE = ?*anyopaque;
pub const PVOID = ?*anyopaque;
pub const NTSTATUS = i32;
pub const WCHAR = u16;
pub const LPCWSTR = ?[*:0]const u16;
pub const LPWSTR = ?[*:0]u16;
pub const PSID = ?*anyopaque;

pub const INVALID_HANDLE_VALUE: HANDLE = @ptrFromInt(~@as(usize, 0));
pub const INFINITE: DWORD = 0xFFFF_FFFF;
pub const WAIT_OBJECT_0: DWORD = 0;
pub const WAIT_TIMEOUT: DWORD = 258;
pub const WAIT_FAILED: DWORD = 0xFFFF_FFFF;

pub const ERROR_INSUFFICIENT_BUFFER: DWORD = 122;
pub const ERROR_BROKEN_PIPE: DWORD = 109;
pub const ERROR_MORE_DATA: DWORD = 234;

pub fn handle(v: u64) HANDLE {
    return @ptrFromInt(@as(usize, @intCast(v)));
}
pub fn handleBits(h: HANDLE) u64 {
    return @intFromPtr(h);
}

pub const SECURITY_ATTRIBUTES = extern struct {
    nLength: DWORD,
    lpSecurityDescriptor: PVOID,
    bInheritHandle: BOOL,
};

pub const STARTUPINFOW = extern struct {
    cb: DWORD,
    lpReserved: LPWSTR = null,
    lpDesktop: LPWSTR = null,
    lpTitle: LPWSTR = null,
    dwX: DWORD = 0,
    dwY: DWORD = 0,
    dwXSize: DWORD = 0,
    dwYSize: DWORD = 0,
    dwXCountChars: DWORD = 0,
    dwYCountChars: DWORD = 0,
    dwFillAttribute: DWORD = 0,
    dwFlags: DWORD = 0,
    wShowWindow: WORD = 0,
    cbReserved2: WORD = 0,
    lpReserved2: ?*BYTE = null,
    hStdInput: HANDLE = null,
    hStdOutput: HANDLE = null,
    hStdError: HANDLE = null,
};

pub const STARTUPINFOEXW = extern struct {
    StartupInfo: STARTUPINFOW,
    lpAttributeList: PVOID,
};

pub const PROCESS_INFORMATION = extern struct {
    hProcess: HANDLE,
    hThread: HANDLE,
    dwProcessId: DWORD,
    dwThreadId: DWORD,
};

pub const STARTF_USESTDHANDLES: DWORD = 0x100;
pub const CREATE_SUSPENDED: DWORD = 0x4;
pub const CREATE_UNICODE_ENVIRONMENT: DWORD = 0x400;
pub const EXTENDED_STARTUPINFO_PRESENT: DWORD = 0x0008_0000;
pub const HANDLE_FLAG_INHERIT: DWORD = 0x1;

// ProcThreadAttributeValue(number, thread=false, input=true, additive=false).
pub const PROC_THREAD_ATTRIBUTE_HANDLE_LIST: usize = 0x20002;
pub const PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY: usize = 0x20007;
pub const PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES: usize = 0x20009;
pub const PROC_THREAD_ATTRIBUTE_JOB_LIST: usize = 0x2000D;
pub const PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY: usize = 0x2000E;

pub const SID_AND_ATTRIBUTES = extern struct {
    Sid: PSID,
    Attributes: DWORD,
};

pub const SECURITY_CAPABILITIES = extern struct {
    AppContainerSid: PSID,
    Capabilities: ?[*]SID_AND_ATTRIBUTES,
    CapabilityCount: DWORD,
    Reserved: DWORD = 0,
};

// Job objects (winnt.h).
pub const JOBOBJECTINFOCLASS = enum(i32) {
    JobObjectBasicAccountingInformation = 1,
    JobObjectBasicLimitInformation = 2,
    JobObjectBasicProcessIdList = 3,
    JobObjectBasicUIRestrictions = 4,
    JobObjectAssociateCompletionPortInformation = 7,
    JobObjectExtendedLimitInformation = 9,
    JobObjectCpuRateControlInformation = 15,
};

pub const JOBOBJECT_BASIC_LIMIT_INFORMATION = extern struct {
    PerProcessUserTimeLimit: i64 = 0,
    PerJobUserTimeLimit: i64 = 0,
    LimitFlags: DWORD = 0,
    MinimumWorkingSetSize: SIZE_T = 0,
    MaximumWorkingSetSize: SIZE_T = 0,
    ActiveProcessLimit: DWORD = 0,
    Affinity: ULONG_PTR = 0,
    PriorityClass: DWORD = 0,
    SchedulingClass: DWORD = 0,
};

pub const IO_COUNTERS = extern struct {
    ReadOperationCount: u64 = 0,
    WriteOperationCount: u64 = 0,
    OtherOperationCount: u64 = 0,
    ReadTransferCount: u64 = 0,
    WriteTransferCount: u64 = 0,
    OtherTransferCount: u64 = 0,
};

pub const JOBOBJECT_EXTENDED_LIMIT_INFORMATION = extern struct {
    BasicLimitInformation: JOBOBJECT_BASIC_LIMIT_INFORMATION = .{},
    IoInfo: IO_COUNTERS = .{},
    ProcessMemoryLimit: SIZE_T = 0,
    JobMemoryLimit: SIZE_T = 0,
    PeakProcessMemoryUsed: SIZE_T = 0,
    PeakJobMemoryUsed: SIZE_T = 0,
};

pub const JOBOBJECT_ASSOCIATE_COMPLETION_PORT = extern struct {
    CompletionKey: PVOID,
    CompletionPort: HANDLE,
};

pub const JOBOBJECT_BASIC_UI_RESTRICTIONS = extern struct {
    UIRestrictionsClass: DWORD,
};

pub const JOBOBJECT_CPU_RATE_CONTROL_INFORMATION = extern struct {
    ControlFlags: DWORD,
    /// CpuRate, Weight, or MinRate|MaxRate<<16, per ControlFlags.
    Value: DWORD,
};

pub const JOBOBJECT_BASIC_ACCOUNTING_INFORMATION = extern struct {
    TotalUserTime: i64,
    TotalKernelTime: i64,
    ThisPeriodTotalUserTime: i64,
    ThisPeriodTotalKernelTime: i64,
    TotalPageFaultCount: DWORD,
    TotalProcesses: DWORD,
    ActiveProcesses: DWORD,
    TotalTerminatedProcesses: DWORD,
};

pub const JOBOBJECT_BASIC_PROCESS_ID_LIST = extern struct {
    NumberOfAssignedProcesses: DWORD,
    NumberOfProcessIdsInList: DWORD,
    // ULONG_PTR ProcessIdList[] follows.
};

// NtQuerySystemInformation (winternl.h; the fields cordon reads).

pub const UNICODE_STRING = extern struct {
    Length: u16,
    MaximumLength: u16,
    Buffer: ?[*]u16,
};

pub const SYSTEM_PROCESS_INFORMATION = extern struct {
    NextEntryOffset: ULONG,
    NumberOfThreads: ULONG,
    WorkingSetPrivateSize: i64,
    HardFaultCount: ULONG,
    NumberOfThreadsHighWatermark: ULONG,
    CycleTime: u64,
    CreateTime: i64,
    UserTime: i64,
    KernelTime: i64,
    ImageName: UNICODE_STRING,
    BasePriority: i32,
    UniqueProcessId: HANDLE,
    InheritedFromUniqueProcessId: HANDLE,
    HandleCount: ULONG,
    SessionId: ULONG,
};

// File attributes (GetFileAttributesExW, FindFirstFileW).
pub const FILETIME = extern struct { dwLowDateTime: DWORD, dwHighDateTime: DWORD };

pub const WIN32_FILE_ATTRIBUTE_DATA = extern struct {
    dwFileAttributes: DWORD,
    ftCreationTime: FILETIME,
    ftLastAccessTime: FILETIME,
    ftLastWriteTime: FILETIME,
    nFileSizeHigh: DWORD,
    nFileSizeLow: DWORD,
};

/// Begins with the same six fields as WIN32_FILE_ATTRIBUTE_DATA.
pub const WIN32_FIND_DATAW = extern struct {
    data: WIN32_FILE_ATTRIBUTE_DATA,
    /// The reparse tag when FILE_ATTRIBUTE_REPARSE_POINT is set.
    dwReserved0: DWORD,
    dwReserved1: DWORD,
    cFileName: [260]WCHAR,
    cAlternateFileName: [14]WCHAR,
};

pub const FILE_ATTRIBUTE_REPARSE_POINT: DWORD = 0x400;

comptime {
    if (@sizeOf(WIN32_FILE_ATTRIBUTE_DATA) != 36 or @sizeOf(WIN32_FIND_DATAW) != 592) @compileError("file attribute records");
}
