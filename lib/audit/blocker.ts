// What blocked an audit row: mechanisms from the guarantee registry
// (lib/guarantees/registry.ts), typed, beside how in words for the reader.
import type { Mechanism } from "../guarantees/registry.ts";

export type Blocker = { readonly how: string; readonly mechanisms: readonly [Mechanism, ...Mechanism[]] };

export const by = (how: string, ...mechanisms: [Mechanism, ...Mechanism[]]): Blocker => ({ how, mechanisms });
