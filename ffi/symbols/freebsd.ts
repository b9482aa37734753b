import { defineSymbols } from "./define.ts";

/** FreeBSD exports (cordon_freebsd.h). */
export const freebsdSymbols = defineSymbols({
  cordon_freebsd_reap_acquire: { args: [], returns: "i32", domain: "errno" },
  cordon_freebsd_reap_release: { args: [], returns: "i32", domain: "errno" },
  cordon_freebsd_reap_status: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_freebsd_reap_getpids: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_freebsd_reap_kill: { args: ["i32", "u32", "i32"], returns: "i32", domain: "errno" },
  cordon_freebsd_reap_orphans: { args: [], returns: "i32", domain: "errno" },
  cordon_freebsd_cap_enter: { args: [], returns: "i32", domain: "errno" },
  cordon_freebsd_cap_getmode: { args: [], returns: "i32", domain: "errno" },
  cordon_freebsd_cap_rights_limit: { args: ["i32", "u32"], returns: "i32", domain: "errno" },
  cordon_freebsd_rctl_add_rule: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_freebsd_rctl_remove_rule: { args: ["buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_freebsd_racct_probe: { args: [], returns: "i32", domain: "errno" },
  cordon_freebsd_kqueue: { args: [], returns: "i32", domain: "errno" },
  cordon_freebsd_proc_watch: { args: ["i32", "i32", "u32"], returns: "i32", domain: "errno" },
  cordon_freebsd_proc_drain: { args: ["i32", "buffer", "buffer_length"], returns: "i32", domain: "errno" },
  cordon_freebsd_setrlimit: { args: ["i32", "u64", "u64"], returns: "i32", domain: "errno" },
});
