// A JSON Schema checker for the subset schema/policy.schema.json uses, written
// for the schema test (no dependency). A keyword outside the subset is an
// error, never skipped: a schema relying on one would otherwise look stricter
// than it is checked to be.
type Schema = { readonly [keyword: string]: unknown } | boolean;

const annotations = new Set(["$schema", "$id", "$comment", "title", "description", "default", "examples"]);
const handled = new Set(["type", "enum", "const", "properties", "additionalProperties", "required", "propertyNames", "items", "minLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "oneOf", "anyOf", "$ref", "$defs"]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function isType(v: unknown, type: string): boolean {
  const t = typeOf(v);
  return t === type || (type === "number" && t === "integer");
}

/** Errors of `value` against `schema` ("" when it conforms), each as "path: what". */
export function check(root: Schema, value: unknown): string[] {
  const resolve = (ref: string): Schema => {
    const m = /^#\/\$defs\/([\w-]+)$/.exec(ref);
    const defs = typeof root === "object" ? (root.$defs as Record<string, Schema> | undefined) : undefined;
    const target = m ? defs?.[m[1]!] : undefined;
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return target;
  };

  const walk = (s: Schema, v: unknown, path: string): string[] => {
    if (s === true) return [];
    if (s === false) return [`${path}: not allowed`];
    for (const k of Object.keys(s)) if (!annotations.has(k) && !handled.has(k)) throw new Error(`${path}: keyword ${k} is outside the checked subset`);
    const errs: string[] = [];
    if (typeof s.$ref === "string") errs.push(...walk(resolve(s.$ref), v, path));
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => isType(v, t))) return [...errs, `${path}: expected ${types.join(" or ")}, got ${typeOf(v)}`];
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => e === v)) errs.push(`${path}: not one of ${JSON.stringify(s.enum)}`);
    if ("const" in s && s.const !== v) errs.push(`${path}: not ${JSON.stringify(s.const)}`);
    if (typeof v === "string") {
      if (typeof s.minLength === "number" && [...v].length < s.minLength) errs.push(`${path}: shorter than ${s.minLength}`);
      if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(v)) errs.push(`${path}: does not match ${s.pattern}`);
    }
    if (typeof v === "number") {
      if (typeof s.minimum === "number" && v < s.minimum) errs.push(`${path}: below ${s.minimum}`);
      if (typeof s.maximum === "number" && v > s.maximum) errs.push(`${path}: above ${s.maximum}`);
      if (typeof s.exclusiveMinimum === "number" && v <= s.exclusiveMinimum) errs.push(`${path}: not above ${s.exclusiveMinimum}`);
    }
    if (Array.isArray(v) && s.items !== undefined) v.forEach((item, i) => errs.push(...walk(s.items as Schema, item, `${path}[${i}]`)));
    if (typeOf(v) === "object") {
      const o = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in o)) errs.push(`${path}: missing ${r}`);
      for (const [k, val] of Object.entries(o)) {
        const at = path ? `${path}.${k}` : k;
        if (s.propertyNames !== undefined) errs.push(...walk(s.propertyNames as Schema, k, `${at} (name)`));
        if (k in props) errs.push(...walk(props[k]!, val, at));
        else if (s.additionalProperties !== undefined) errs.push(...walk(s.additionalProperties as Schema, val, at));
      }
    }
    for (const [kw, want] of [["oneOf", 1], ["anyOf", 0]] as const) {
      const alts = s[kw] as Schema[] | undefined;
      if (!alts) continue;
      const passing = alts.filter((a) => walk(a, v, path).length === 0).length;
      if (want === 1 ? passing !== 1 : passing === 0) errs.push(`${path}: ${passing} of the ${kw} alternatives match`);
    }
    return errs;
  };
  return walk(root, value, "");
}
