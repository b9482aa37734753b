// `--policy=FILE`: a JSON policy, the API's Policy object as it is
// (schema/policy.schema.json describes it), checked by the API's validator so
// its errors name the same field paths: `--policy: ci.json: limits.memory: ...`.
// A top-level "$schema" key is allowed (editors use it) and ignored, and so is
// "$notes" (an object of strings: why each grant is there, as cordon learn writes).
import { readFileSync } from "node:fs";
import { PolicyError } from "../errors.ts";
import type { Policy } from "../policy/types.ts";
import { validatePolicy } from "../policy/validate.ts";

export type PolicyFile = {
  readonly policy: Policy;
  /** An error about one of the file's fields, told as the file's. */
  blame(e: PolicyError): PolicyError;
};

/** The detail of a PolicyError, without its field. */
function detail(e: PolicyError): string {
  return e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
}

export function loadPolicyFile(path: string): PolicyFile {
  const blame = (e: PolicyError) => new PolicyError("--policy", `${path}: ${e.field}: ${detail(e)}`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new PolicyError("--policy", `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PolicyError("--policy", `${path}: not JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  if (json === null) throw blame(new PolicyError("policy", "expected an object, got null"));
  if (typeof json === "object" && !Array.isArray(json) && "$schema" in json) {
    const { $schema, ...rest } = json as Record<string, unknown>;
    if (typeof $schema !== "string") throw blame(new PolicyError("$schema", "expected a string (the schema's URL or path)"));
    json = rest;
  }
  if (typeof json === "object" && json !== null && !Array.isArray(json) && "$notes" in json) {
    const { $notes, ...rest } = json as Record<string, unknown>;
    const strings = typeof $notes === "object" && $notes !== null && !Array.isArray($notes) && Object.values($notes).every((v) => typeof v === "string");
    if (!strings) throw blame(new PolicyError("$notes", "expected an object of strings (a note per grant)"));
    json = rest;
  }
  try {
    return { policy: validatePolicy(json), blame };
  } catch (e) {
    throw e instanceof PolicyError ? blame(e) : e;
  }
}
