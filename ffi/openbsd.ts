// The OpenBSD library. Bun does not run on OpenBSD yet, so nothing here runs
// today; the table keeps the header contract checked, and the launcher applies
// the same calls from a plan (lib/plan/openbsd).
import { commonSymbols } from "./symbols/common.ts";
import { openbsdSymbols } from "./symbols/openbsd.ts";
import { openLibrary, type Symbols } from "./library.ts";
import { check } from "./status.ts";

export const openbsdTable = { ...commonSymbols, ...openbsdSymbols };

export function openbsd(): Symbols<typeof openbsdTable> {
  if (process.platform !== "openbsd") throw new Error(`the OpenBSD backend cannot load on ${process.platform}`);
  return openLibrary().symbols as Symbols<typeof openbsdTable>;
}

const cstring = (s: string | null) => (s === null ? new Uint8Array(0) : new TextEncoder().encode(`${s}\0`));

export function pledge(promises: string | null, execpromises: string | null): void {
  const p = cstring(promises);
  const e = cstring(execpromises);
  check("pledge", "errno", openbsd().cordon_openbsd_pledge(p, p, e, e));
}

export function unveil(path: string, permissions: string): void {
  const p = cstring(path);
  const r = cstring(permissions);
  check("unveil", "errno", openbsd().cordon_openbsd_unveil(p, p, r, r), path);
}

export function unveilLock(): void {
  check("unveil", "errno", openbsd().cordon_openbsd_unveil_lock());
}
