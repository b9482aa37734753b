import { defineSymbols } from "./define.ts";
import { windowsAclSymbols } from "./windows-acl.ts";
import { windowsJobSymbols } from "./windows-job.ts";
import { windowsProcessSymbols } from "./windows-process.ts";
import { windowsSpawnSymbols } from "./windows-spawn.ts";
import { windowsTokenSymbols } from "./windows-token.ts";
import { windowsUserSymbols } from "./windows-user.ts";
import { windowsWfpSymbols } from "./windows-wfp.ts";
import { windowsImpersonateSymbols } from "./windows-impersonate.ts";

/** Windows exports (cordon_windows*.h), one table per mechanism header. */
export const windowsSymbols = defineSymbols({
  cordon_windows_close_handle: { args: ["u64"], returns: "i32", domain: "win32" },
  cordon_windows_handle_flags: { args: ["u64"], returns: "i32", domain: "win32" },
  cordon_windows_handle_set_inherit: { args: ["u64", "u32"], returns: "i32", domain: "win32" },
  cordon_windows_pipe: { args: ["buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_read: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_write: { args: ["u64", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_pipe_peek: { args: ["u64"], returns: "i32", domain: "win32" },
  cordon_windows_std_duplicate: { args: ["u32", "buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_open_null: { args: ["buffer", "buffer_length"], returns: "i32", domain: "win32" },
  cordon_windows_wine_version: { args: ["buffer", "buffer_length"], returns: "i32", domain: "cordon" },
  ...windowsJobSymbols,
  ...windowsProcessSymbols,
  ...windowsSpawnSymbols,
  ...windowsTokenSymbols,
  ...windowsAclSymbols,
  ...windowsUserSymbols,
  ...windowsWfpSymbols,
  ...windowsImpersonateSymbols,
});
