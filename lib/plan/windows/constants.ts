// winnt.h numbers the Windows plan speaks in, under their MSDN names.

/** JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags */
export const JOB_OBJECT_LIMIT = {
  PROCESS_TIME: 0x2,
  JOB_TIME: 0x4,
  ACTIVE_PROCESS: 0x8,
  PROCESS_MEMORY: 0x100,
  JOB_MEMORY: 0x200,
  DIE_ON_UNHANDLED_EXCEPTION: 0x400,
  BREAKAWAY_OK: 0x800,
  SILENT_BREAKAWAY_OK: 0x1000,
  KILL_ON_JOB_CLOSE: 0x2000,
} as const;

/** JOBOBJECT_BASIC_UI_RESTRICTIONS.UIRestrictionsClass */
export const JOB_OBJECT_UILIMIT = {
  HANDLES: 0x1,
  READCLIPBOARD: 0x2,
  WRITECLIPBOARD: 0x4,
  SYSTEMPARAMETERS: 0x8,
  DISPLAYSETTINGS: 0x10,
  GLOBALATOMS: 0x20,
  DESKTOP: 0x40,
  EXITWINDOWS: 0x80,
} as const;

/** JOBOBJECT_CPU_RATE_CONTROL_INFORMATION.ControlFlags */
export const JOB_OBJECT_CPU_RATE_CONTROL = {
  ENABLE: 0x1,
  WEIGHT_BASED: 0x2,
  HARD_CAP: 0x4,
  NOTIFY: 0x8,
  MIN_MAX_RATE: 0x10,
} as const;

/** PROCESS_CREATION_CHILD_PROCESS_* */
export const PROCESS_CREATION_CHILD_PROCESS = { RESTRICTED: 0x1, OVERRIDE: 0x2, RESTRICTED_UNLESS_SECURE: 0x4 } as const;

/** Well-known capability SIDs an AppContainer can be granted (network ones). */
export const CAPABILITY_SID = {
  internetClient: "S-1-15-3-1",
  internetClientServer: "S-1-15-3-2",
  privateNetworkClientServer: "S-1-15-3-3",
} as const;

/** FILE_GENERIC_* access masks for ACL grants. */
export const FILE_ACCESS = {
  READ_EXECUTE: 0x1200a9, // FILE_GENERIC_READ | FILE_GENERIC_EXECUTE
  MODIFY: 0x1301bf, // read, write, execute and DELETE
  /** FILE_TRAVERSE | SYNCHRONIZE: what opening a directory as the current directory needs, no listing or reading. */
  TRAVERSE: 0x100020,
} as const;

/** PROCESS_MITIGATION_POLICY values (winnt.h) cordon reads back (GetProcessMitigationPolicy). */
export const MITIGATION_POLICY = {
  ProcessDEPPolicy: 0,
  ProcessASLRPolicy: 1,
  ProcessDynamicCodePolicy: 2,
  ProcessStrictHandleCheckPolicy: 3,
  ProcessSystemCallDisablePolicy: 4,
  ProcessExtensionPointDisablePolicy: 6,
  ProcessSignaturePolicy: 8,
  ProcessFontDisablePolicy: 9,
  ProcessImageLoadPolicy: 10,
} as const;
