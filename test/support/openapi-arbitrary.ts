/**
 * fast-check arbitraries built from the JSON Schemas of an OpenAPI 3.1 document: schema-valid
 * values and requests, and deliberately invalid ones that differ from a valid value by exactly one
 * mutation (wrong type, missing required property, out of range, extra property).
 *
 * Supported keywords: type (one or a list), enum, const, minimum/maximum and their exclusive forms,
 * multipleOf (integers), minLength/maxLength, pattern (fc.stringMatching), items, minItems/maxItems,
 * uniqueItems, properties, required, additionalProperties (false, true or a schema),
 * minProperties/maxProperties, oneOf/anyOf/allOf (siblings of a union apply to every branch) and
 * $ref into the document (`#/components/schemas/...`). An unsupported keyword throws when the
 * arbitrary is built, so nothing is silently generated from a schema it does not understand.
 *
 * Every value is checked with ajv against the schema it came from (valid values are filtered to
 * valid, invalid ones to invalid), so a union or an odd combination of keywords cannot make the
 * generator lie (test/unit/http/openapi-arbitrary.test.ts checks the values against ajv again).
 *
 * Query strings and path parameters are text: in the `text` context a value is judged the way the
 * server judges it (its text, coerced by ajv: `limit=5` is the integer 5), and a wrong-type value
 * is a text that does not coerce (`limit=abc`), never a JSON object.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';

/** A JSON Schema (object form) or a boolean schema. */
export type Schema = Readonly<Record<string, unknown>> | boolean;

/** The kinds of mutation an invalid value is made with. */
export type MutationKind =
  | 'wrong-type'
  | 'missing-required'
  | 'out-of-range'
  | 'extra-property'
  /** Query parameters the operation's `x-exclusive-parameters` says not to combine, combined. */
  | 'exclusive-parameters';

/** An invalid value and the one mutation that made it so. */
export interface Invalid {
  readonly value: unknown;
  readonly kind: MutationKind;
  /** JSON pointer of the mutated value (`''` is the value itself). */
  readonly at: string;
}

/** Options of {@link validArbitrary} and {@link invalidArbitrary}. */
export interface SchemaOptions {
  /** The document `$ref`s resolve in (`#/components/schemas/Name`). */
  readonly document?: Readonly<Record<string, unknown>>;
  /** `json` (a request body) or `text` (a query or path parameter; see the module comment). */
  readonly context?: 'json' | 'text';
  /**
   * Arbitraries that replace what the schema would give at a JSON pointer relative to the schema
   * (`/scope`, `/changes/* /overlay/province` without the space; `*` matches any array index or property name).
   * An overridden optional property is always present. Valid values only: mutations ignore them.
   */
  readonly overrides?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  /**
   * Arbitraries mixed in (half the time) with what the schema gives at a JSON pointer, e.g. ids
   * that exist, so valid requests also reach past "not found". Values that fail the schema are
   * dropped by the final check. Valid values only.
   */
  readonly examples?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  /** Most items of a generated array beyond `minItems` (default 3): requests stay small. */
  readonly extraItems?: number;
}

const KNOWN_KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  // Annotations: no effect on validity.
  'description',
  'title',
  'default',
  'examples',
  'example',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$id',
  '$schema',
  '$comment',
  'nullable',
]);

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Number of code points (what JSON Schema's minLength/maxLength count). */
export function codePoints(text: string): number {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}

/** JSON with sorted keys: equal values, equal text (uniqueItems, dedup). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObj(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** The text a value takes in a query string or path (as the generator writes it). */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One JSON-pointer segment. */
function segment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerMatches(pattern: string, pointer: string): boolean {
  const a = pattern.split('/');
  const b = pointer.split('/');
  return a.length === b.length && a.every((part, i) => part === '*' || part === b[i]);
}

/** A character of a generated string: mostly printable ASCII, some CJK, URL-special and control characters, any code point. */
const charUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '中',
      '药',
      '甲',
      '乙',
      'é',
      '—',
      ' ',
      '%',
      '&',
      '=',
      '+',
      '#',
      '?',
      '/',
      '\\',
      '"',
      "'",
      '\u0000',
      '\n',
      '\t',
      '\u00ff',
      '\u{1f600}',
      '\uffff',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Strings of `min`..`max` code points (lengths near the bounds come up often). */
function stringOf(min: number, max: number | undefined): fc.Arbitrary<string> {
  const arbs: fc.WeightedArbitrary<string>[] = [
    {
      weight: 6,
      arbitrary: fc.string({
        unit: charUnit,
        minLength: min,
        ...(max === undefined ? {} : { maxLength: max }),
      }),
    },
    { weight: 1, arbitrary: fc.string({ unit: charUnit, minLength: min, maxLength: min }) },
  ];
  if (max !== undefined && max <= 10_000)
    arbs.push({ weight: 1, arbitrary: fc.string({ unit: charUnit, minLength: max, maxLength: max }) });
  return fc.oneof(...arbs);
}

/** The JSON Schema type of a JSON value. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Values of every JSON type, for wrong-type mutations in a body. */
const JSON_SAMPLES: readonly unknown[] = ['text', '', 7, -1, 2.5, true, false, null, [], [1], {}, { a: 1 }];
/** Texts for wrong-type mutations in a query or path (what a caller can type). */
const TEXT_SAMPLES: readonly string[] = [
  'abc',
  '1.5',
  '-0.5',
  'true',
  'null',
  '[]',
  '{}',
  '1e400',
  '0x10',
  ' ',
  '-',
];

function numberBounds(schema: Obj): {
  min: number | undefined;
  max: number | undefined;
  minExcluded: boolean;
  maxExcluded: boolean;
} {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  const exMin = schema.exclusiveMinimum as number | undefined;
  const exMax = schema.exclusiveMaximum as number | undefined;
  const lower = exMin !== undefined && (min === undefined || exMin >= min);
  const upper = exMax !== undefined && (max === undefined || exMax <= max);
  return {
    min: lower ? exMin : min,
    max: upper ? exMax : max,
    minExcluded: lower,
    maxExcluded: upper,
  };
}

/** RFC 3339 full-date (JSON Schema's `date` format): YYYY-MM-DD on the calendar. */
export function isFullDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return days !== undefined && d >= 1 && d <= days;
}

const DAY_MS = 86_400_000;

/**
 * The formats values can be generated for: valid values, and values of the right shape that the
 * format refuses (for mutations). Dates come from 1900–2199 and the days around leap days.
 */
const FORMATS: Readonly<Record<string, { valid: fc.Arbitrary<string>; invalid: fc.Arbitrary<string> }>> = {
  date: {
    valid: fc.oneof(
      fc
        .integer({ min: Date.UTC(1900, 0, 1) / DAY_MS, max: Date.UTC(2199, 11, 31) / DAY_MS })
        .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10)),
      fc.constantFrom('2024-02-29', '2000-02-29', '2025-12-31', '2025-01-01'),
    ),
    invalid: fc.oneof(
      fc.constantFrom(
        '2025-02-29',
        '1900-02-29',
        '2025-04-31',
        '2025-13-01',
        '2025-00-10',
        '2025-01-00',
        '2025-01-32',
      ),
      fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/).filter((s) => !isFullDate(s)),
    ),
  },
};

/** The generator of a schema's `format`, if it has one the generator knows. */
function formatOf(schema: Obj): (typeof FORMATS)[string] | undefined {
  return typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
}

/** `object` without `key`. */
function without(object: Obj, key: string): Obj {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
}

/** Merges `b` into `a` as allOf would (enough for union branches and their siblings). */
function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a, ...b };
  if (a.required !== undefined || b.required !== undefined)
    out.required = [
      ...new Set([
        ...((a.required as string[] | undefined) ?? []),
        ...((b.required as string[] | undefined) ?? []),
      ]),
    ];
  if (isObj(a.properties) && isObj(b.properties)) {
    const properties: Obj = { ...a.properties };
    for (const [key, schema] of Object.entries(b.properties)) {
      const other = properties[key];
      properties[key] = isObj(other) && isObj(schema) ? merge(other, schema) : schema;
    }
    out.properties = properties;
  }
  if (Array.isArray(a.enum) && Array.isArray(b.enum)) {
    const keep = new Set(b.enum.map(canonical));
    out.enum = a.enum.filter((v) => keep.has(canonical(v)));
  }
  if (a.type !== undefined && b.type !== undefined) {
    const bt = new Set(Array.isArray(b.type) ? b.type : [b.type]);
    const both = (Array.isArray(a.type) ? a.type : [a.type]).filter(
      (t) => bt.has(t) || (t === 'number' && bt.has('integer')),
    );
    out.type = both.length === 1 ? both[0] : both;
  }
  if (a.additionalProperties === false || b.additionalProperties === false) out.additionalProperties = false;
  return out;
}

/**
 * Builds arbitraries for the schemas of one document. One instance per document: it compiles each
 * schema node once (ajv) and resolves `$ref`s in the document.
 */
export class SchemaArbitraries {
  private readonly ajvJson: Ajv;
  private readonly ajvText: Ajv;
  /** Compiled validators by context and canonical schema text (merged branches are new objects). */
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly document: Readonly<Record<string, unknown>> | undefined;

  public constructor(document?: Readonly<Record<string, unknown>>) {
    this.document = document;
    const options = {
      strict: false,
      allErrors: false,
      validateSchema: false,
      formats: { date: isFullDate },
    } as const;
    this.ajvJson = new Ajv(options);
    this.ajvText = new Ajv({ ...options, coerceTypes: true });
    if (document) {
      this.ajvJson.addSchema(document, 'document');
      this.ajvText.addSchema(document, 'document');
    }
  }

  /** Whether `value` is valid under `schema` (in the text context: its text, coerced as the server does). */
  public validates(schema: Schema, value: unknown, context: 'json' | 'text' = 'json'): boolean {
    if (typeof schema === 'boolean') return schema;
    const key = `${context}:${canonical(schema)}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate =
        context === 'json'
          ? this.ajvJson.compile(this.rebased(schema))
          : // ajv coerces in place: the text goes in a holder object, so it can.
            this.ajvText.compile({ type: 'object', properties: { v: this.rebased(schema) } });
      this.validators.set(key, validate);
    }
    if (context === 'json') return validate(value);
    // A parameter set (query, path) is an object of texts; a single parameter is one text.
    const text = isObj(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, textOf(v)]))
      : textOf(value);
    return validate({ v: text });
  }

  /** The schema with its `#/...` references pointed at the registered document. */
  private rebased(schema: unknown): Obj {
    const walk = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(walk);
      if (!isObj(node)) return node;
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [
          key,
          key === '$ref' && typeof value === 'string' && value.startsWith('#')
            ? `document${value}`
            : walk(value),
        ]),
      );
    };
    return walk(schema) as Obj;
  }

  /** The schema a `$ref` points at (chains followed). */
  public resolve(schema: Obj): Obj {
    let node = schema;
    for (let depth = 0; typeof node.$ref === 'string'; depth += 1) {
      const ref = node.$ref;
      if (depth > 32) throw new Error(`$ref chain too long at ${ref}`);
      if (!ref.startsWith('#/') || !this.document) throw new Error(`cannot resolve $ref ${ref}`);
      let target: unknown = this.document;
      for (const part of ref.slice(2).split('/')) {
        const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
        target = isObj(target) ? target[key] : undefined;
      }
      if (!isObj(target)) throw new Error(`$ref ${ref} does not point at a schema`);
      const rest: Obj = { ...node };
      delete rest.$ref;
      node = Object.keys(rest).length === 0 ? target : merge(target, rest);
    }
    return node;
  }

  private checkKeywords(schema: Obj, at: string): void {
    for (const key of Object.keys(schema))
      if (!KNOWN_KEYWORDS.has(key) && key !== 'format')
        throw new Error(`unsupported schema keyword '${key}' at '${at}'`);
    if (schema.format !== undefined && formatOf(schema) === undefined)
      throw new Error(`unsupported format ${JSON.stringify(schema.format)} at '${at}'`);
  }

  /** Schema-valid values of `schema`. */
  public valid(schema: Schema, options: SchemaOptions = {}): fc.Arbitrary<unknown> {
    const context = options.context ?? 'json';
    return this.validAt(schema, '', options).filter((value) => this.validates(schema, value, context));
  }

  private validAt(schema: Schema, at: string, options: SchemaOptions): fc.Arbitrary<unknown> {
    const override = Object.entries(options.overrides ?? {}).find(([pattern]) => pointerMatches(pattern, at));
    if (override) return override[1];
    const example = Object.entries(options.examples ?? {}).find(([pattern]) => pointerMatches(pattern, at));
    if (example) {
      const rest = {
        ...options,
        examples: Object.fromEntries(
          Object.entries(options.examples ?? {}).filter(([p]) => p !== example[0]),
        ),
      };
      return fc.oneof(this.validAt(schema, at, rest), example[1]);
    }
    if (schema === true) return fc.jsonValue({ maxDepth: 2 });
    if (schema === false) throw new Error(`no value is valid at '${at}' (schema false)`);
    const node = this.resolve(schema);
    this.checkKeywords(node, at);
    if (node.not !== undefined) {
      const rest: Obj = { ...node };
      delete rest.not;
      return this.validAt(rest, at, options).filter((v) => !this.validates(node.not as Schema, v));
    }
    if (node.const !== undefined) return fc.constant(node.const);
    if (Array.isArray(node.enum)) {
      if (node.enum.length === 0) throw new Error(`empty enum at '${at}'`);
      return fc.constantFrom(...(node.enum as unknown[]));
    }
    for (const union of ['oneOf', 'anyOf'] as const) {
      const branches = node[union];
      if (Array.isArray(branches)) {
        const rest = without(node, union);
        return fc.oneof(
          ...branches.map((branch) =>
            this.validAt(merge(rest, this.resolve(branch as Obj)), at, options).filter((v) =>
              this.validates(node, v),
            ),
          ),
        );
      }
    }
    if (Array.isArray(node.allOf)) {
      const rest: Obj = { ...node };
      delete rest.allOf;
      return this.validAt(
        (node.allOf as Obj[]).reduce<Obj>((acc, part) => merge(acc, this.resolve(part)), rest),
        at,
        options,
      );
    }
    const types = this.typesOf(node);
    if (types.length > 1)
      return fc.oneof(...types.map((type) => this.validAt({ ...node, type }, at, options)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return this.integers(node);
      case 'number':
        return this.numbers(node);
      case 'string':
        return this.strings(node);
      case 'array':
        return this.arrays(node, at, options);
      case 'object':
        return this.objects(node, at, options);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  /** The JSON types a schema's values can have (`integer` included in `number`), or null when any. */
  private allowedTypes(schema: Schema): Set<string> | null {
    if (typeof schema === 'boolean') return null;
    const node = this.resolve(schema);
    const branches = (node.oneOf ?? node.anyOf) as Schema[] | undefined;
    let types: string[] | null;
    if (Array.isArray(branches)) {
      const all = branches.map((b) => this.allowedTypes(b));
      types = all.some((t) => t === null) ? null : all.flatMap((t) => [...(t ?? [])]);
    } else if (node.const !== undefined) types = [jsonType(node.const)];
    else if (Array.isArray(node.enum)) types = (node.enum as unknown[]).map(jsonType);
    else {
      const declared = this.typesOf(node);
      types = declared.length === 0 ? null : declared;
    }
    if (types === null) return null;
    const set = new Set(types);
    if (set.has('number')) set.add('integer');
    return set;
  }

  /** The types a schema allows (inferred from its keywords when it names none). */
  private typesOf(node: Obj): string[] {
    if (typeof node.type === 'string') return [node.type];
    if (Array.isArray(node.type)) return node.type as string[];
    if (
      node.properties !== undefined ||
      node.required !== undefined ||
      node.additionalProperties !== undefined
    )
      return ['object'];
    if (node.items !== undefined) return ['array'];
    if (node.pattern !== undefined || node.minLength !== undefined || node.maxLength !== undefined)
      return ['string'];
    if (node.minimum !== undefined || node.maximum !== undefined) return ['number'];
    return [];
  }

  private integers(node: Obj): fc.Arbitrary<number> {
    const b = numberBounds(node);
    const min = b.min === undefined ? undefined : b.minExcluded ? Math.floor(b.min) + 1 : Math.ceil(b.min);
    const max = b.max === undefined ? undefined : b.maxExcluded ? Math.ceil(b.max) - 1 : Math.floor(b.max);
    const lo = min ?? -1_000_000;
    const hi = max ?? lo + 1_000_000;
    const arbs: fc.Arbitrary<number>[] = [
      fc.integer({ min: lo, max: Math.min(hi, lo + 1000) }),
      fc.integer({ min: lo, max: hi }),
    ];
    if (max === undefined) arbs.push(fc.constantFrom(2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER));
    if (min === undefined) arbs.push(fc.constantFrom(-(2 ** 31), -Number.MAX_SAFE_INTEGER));
    const multipleOf = node.multipleOf as number | undefined;
    const all = fc.oneof(...arbs);
    return multipleOf === undefined ? all : all.map((n) => Math.floor(n / multipleOf) * multipleOf);
  }

  private numbers(node: Obj): fc.Arbitrary<number> {
    if (node.multipleOf !== undefined) throw new Error('multipleOf is supported for integers only');
    const b = numberBounds(node);
    return fc.double({
      noNaN: true,
      noDefaultInfinity: true,
      ...(b.min === undefined ? {} : { min: b.min, minExcluded: b.minExcluded }),
      ...(b.max === undefined ? {} : { max: b.max, maxExcluded: b.maxExcluded }),
    });
  }

  private strings(node: Obj): fc.Arbitrary<string> {
    const min = (node.minLength as number | undefined) ?? 0;
    const max = node.maxLength as number | undefined;
    const format = formatOf(node);
    if (format) {
      const re = typeof node.pattern === 'string' ? new RegExp(node.pattern, 'u') : null;
      return format.valid.filter(
        (s) =>
          (re === null || re.test(s)) && codePoints(s) >= min && (max === undefined || codePoints(s) <= max),
      );
    }
    if (typeof node.pattern === 'string') {
      const inLength = (s: string): boolean =>
        codePoints(s) >= min && (max === undefined || codePoints(s) <= max);
      return fc
        .stringMatching(new RegExp(node.pattern), max === undefined ? {} : { maxLength: max })
        .filter(inLength);
    }
    return stringOf(min, max);
  }

  private arrays(node: Obj, at: string, options: SchemaOptions): fc.Arbitrary<unknown[]> {
    const items = (node.items ?? true) as Schema;
    if (Array.isArray(items)) throw new Error(`tuple 'items' at '${at}' is not supported`);
    const minLength = (node.minItems as number | undefined) ?? 0;
    const maxLength = Math.min(
      (node.maxItems as number | undefined) ?? Infinity,
      minLength + (options.extraItems ?? 3),
    );
    const item = this.validAt(items, `${at}/*`, options);
    return node.uniqueItems === true
      ? fc.uniqueArray(item, { minLength, maxLength, selector: canonical })
      : fc.array(item, { minLength, maxLength });
  }

  private objects(node: Obj, at: string, options: SchemaOptions): fc.Arbitrary<Obj> {
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    const overridden = (key: string): boolean =>
      Object.keys(options.overrides ?? {}).some((pattern) =>
        pointerMatches(pattern, `${at}/${segment(key)}`),
      );
    const required = new Set([
      ...((node.required as string[] | undefined) ?? []),
      ...Object.keys(properties).filter(overridden),
    ]);
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, schema] of Object.entries(properties))
      model[key] = this.validAt(schema, `${at}/${segment(key)}`, options);
    for (const key of required)
      if (!(key in model)) {
        const extra = node.additionalProperties;
        model[key] = this.validAt(isObj(extra) ? extra : true, `${at}/${segment(key)}`, options);
      }
    const minProperties = (node.minProperties as number | undefined) ?? 0;
    const maxProperties = (node.maxProperties as number | undefined) ?? Infinity;
    return fc
      .record(model, { requiredKeys: [...required], noNullPrototype: true })
      .filter(
        (value) => Object.keys(value).length >= minProperties && Object.keys(value).length <= maxProperties,
      );
  }

  /**
   * Values of `schema` made invalid by one mutation, or null when no mutation can make one (e.g.
   * `{}`). Each value is checked invalid against `schema`.
   */
  public invalid(schema: Schema, options: SchemaOptions = {}): fc.Arbitrary<Invalid> | null {
    const context = options.context ?? 'json';
    const plain: SchemaOptions = { ...options, overrides: {}, examples: {} };
    const arb = this.invalidAt(schema, '', plain, context);
    return arb && arb.filter((candidate) => !this.validates(schema, candidate.value, context));
  }

  /** `candidate` if some of its values pass `keep` (a few samples tell), else null: no endless filters. */
  private viable(
    candidate: fc.Arbitrary<Invalid>,
    keep: (i: Invalid) => boolean,
  ): fc.Arbitrary<Invalid> | null {
    const samples = fc.sample(candidate, { numRuns: 12, seed: 42 });
    return samples.some(keep) ? candidate.filter(keep) : null;
  }

  private invalidAt(
    schema: Schema,
    at: string,
    options: SchemaOptions,
    context: 'json' | 'text',
  ): fc.Arbitrary<Invalid> | null {
    if (schema === true) return null;
    if (schema === false) return fc.constant({ value: null, kind: 'wrong-type', at });
    const node = this.resolve(schema);
    this.checkKeywords(node, at);
    const invalidHere = (i: Invalid): boolean => !this.validates(node, i.value, context);
    const candidates: fc.Arbitrary<Invalid>[] = [];
    const add = (arb: fc.Arbitrary<Invalid> | null): void => {
      const kept = arb && this.viable(arb, invalidHere);
      if (kept) candidates.push(kept);
    };
    const mutation = (kind: MutationKind, values: fc.Arbitrary<unknown>, where = at): fc.Arbitrary<Invalid> =>
      values.map((value) => ({ value, kind, at: where }));

    // Wrong type: a value of another JSON type (or, in text, one that does not coerce; the
    // parameter set itself, an object, is not a text and has no wrong type).
    const allowed = this.allowedTypes(node);
    const otherType = (v: unknown): boolean =>
      allowed === null || (context === 'text' ? !allowed.has('string') : !allowed.has(jsonType(v)));
    const textSet = context === 'text' && allowed?.has('object') === true;
    const samples = textSet
      ? []
      : (context === 'text' ? TEXT_SAMPLES : JSON_SAMPLES).filter(
          (v) => otherType(v) && !this.validates(node, v, context),
        );
    if (samples.length > 0) add(mutation('wrong-type', fc.constantFrom(...samples)));

    if (node.not !== undefined) {
      // What the rest refuses, or what the rest takes but `not` names.
      const rest: Obj = { ...node };
      delete rest.not;
      add(this.invalidAt(rest, at, options, context));
      add(mutation('out-of-range', this.valid(node.not as Schema, { context })));
      return candidates.length > 0 ? fc.oneof(...candidates) : null;
    }
    if (node.const !== undefined || Array.isArray(node.enum)) {
      const allowed = node.const !== undefined ? [node.const] : (node.enum as unknown[]);
      if (allowed.some((v) => typeof v === 'string')) add(mutation('out-of-range', stringOf(0, 12)));
      if (allowed.some((v) => typeof v === 'number'))
        add(mutation('out-of-range', fc.integer({ min: -5, max: 10 })));
      return candidates.length > 0 ? fc.oneof(...candidates) : null;
    }

    for (const union of ['oneOf', 'anyOf'] as const) {
      const branches = node[union];
      if (Array.isArray(branches)) {
        const rest = without(node, union);
        for (const branch of branches)
          add(this.invalidAt(merge(rest, this.resolve(branch as Obj)), at, options, context));
        return candidates.length > 0 ? fc.oneof(...candidates) : null;
      }
    }
    if (Array.isArray(node.allOf)) {
      const rest: Obj = { ...node };
      delete rest.allOf;
      return this.invalidAt(
        (node.allOf as Obj[]).reduce<Obj>((acc, part) => merge(acc, this.resolve(part)), rest),
        at,
        options,
        context,
      );
    }

    const types = this.typesOf(node);
    if (types.length > 1) {
      for (const type of types) add(this.invalidAt({ ...node, type }, at, options, context));
      return candidates.length > 0 ? fc.oneof(...candidates) : null;
    }
    const type = types[0];
    if (type === 'integer' || type === 'number') {
      const b = numberBounds(node);
      const step = type === 'integer' ? 1 : 0.5;
      if (b.min !== undefined)
        add(mutation('out-of-range', fc.constantFrom(b.minExcluded ? b.min : b.min - step, b.min - 1000)));
      if (b.max !== undefined)
        add(mutation('out-of-range', fc.constantFrom(b.maxExcluded ? b.max : b.max + step, b.max + 1000)));
      if (type === 'integer')
        add(
          mutation(
            'wrong-type',
            this.integers(node).map((n) => (n + 0.5 <= (b.max ?? Infinity) ? n + 0.5 : n - 0.5)),
          ),
        );
    } else if (type === 'string') {
      const min = (node.minLength as number | undefined) ?? 0;
      const max = node.maxLength as number | undefined;
      if (min > 0) add(mutation('out-of-range', stringOf(0, min - 1)));
      if (max !== undefined) add(mutation('out-of-range', stringOf(max + 1, max + 3)));
      const format = formatOf(node);
      if (format) add(mutation('out-of-range', format.invalid));
      if (typeof node.pattern === 'string') {
        const re = new RegExp(node.pattern, 'u');
        const upper = max ?? Math.max(min, 12);
        add(
          mutation(
            'out-of-range',
            stringOf(Math.min(min, upper), upper).filter((s) => !re.test(s)),
          ),
        );
      }
    } else if (type === 'array') {
      const items = (node.items ?? true) as Schema;
      const minItems = (node.minItems as number | undefined) ?? 0;
      const maxItems = node.maxItems as number | undefined;
      const item = this.validAt(items, `${at}/*`, options);
      if (minItems > 0)
        add(mutation('out-of-range', fc.array(item, { minLength: 0, maxLength: minItems - 1 })));
      // Past maxItems only when that is small enough to send (a request of 5001 changes tells little).
      if (maxItems !== undefined && maxItems <= 200)
        add(mutation('out-of-range', fc.array(item, { minLength: maxItems + 1, maxLength: maxItems + 1 })));
      if (node.uniqueItems === true)
        add(
          mutation(
            'out-of-range',
            fc
              .tuple(this.arrays({ ...node, minItems: Math.max(1, minItems) }, at, options), fc.nat())
              .map(([list, n]) => {
                const copy = [...list];
                copy.splice(n % (copy.length + 1), 0, list[n % list.length]);
                return copy;
              }),
          ),
        );
      const inner = this.invalidAt(items, `${at}/*`, options, context);
      if (inner) {
        // One item fewer than allowed, then the invalid item goes in: the length stays in bounds.
        const base = this.arrays(
          { ...node, minItems: Math.max(0, minItems - 1), maxItems: (maxItems ?? Infinity) - 1 },
          at,
          options,
        );
        add(
          fc.tuple(base, inner, fc.nat()).map(([list, bad, n]) => {
            const index = n % (list.length + 1);
            const copy = [...list];
            copy.splice(index, 0, bad.value);
            return { value: copy, kind: bad.kind, at: `${at}/${index}${bad.at.slice(at.length + 2)}` };
          }),
        );
      }
    } else if (type === 'object') {
      const properties = (node.properties ?? {}) as Record<string, Schema>;
      const required = (node.required as string[] | undefined) ?? [];
      const valid = this.objects(node, at, options).filter((v) => this.validates(node, v, context));
      for (const key of required)
        add(
          valid.map((value) => {
            const copy = without(value, key);
            return { value: copy, kind: 'missing-required', at: `${at}/${segment(key)}` };
          }),
        );
      if (node.additionalProperties === false || isObj(node.additionalProperties)) {
        const extraValue = isObj(node.additionalProperties)
          ? (this.invalidAt(node.additionalProperties, `${at}/*`, options, context)?.map((i) => i.value) ??
            null)
          : fc.jsonValue({ maxDepth: 1 });
        if (extraValue)
          add(
            fc
              .tuple(valid, fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,11}$/), extraValue)
              .filter(([, name]) => !(name in properties))
              .map(([value, name, extra]) => ({
                value: { ...value, [name]: extra },
                kind: 'extra-property',
                at: `${at}/${segment(name)}`,
              })),
          );
      }
      for (const [key, child] of Object.entries(properties)) {
        const inner = this.invalidAt(child, `${at}/${segment(key)}`, options, context);
        if (inner)
          add(
            fc.tuple(valid, inner).map(([value, bad]) => ({ ...bad, value: { ...value, [key]: bad.value } })),
          );
      }
    }
    return candidates.length > 0 ? fc.oneof(...candidates) : null;
  }
}

/** One parameter of an OpenAPI operation. */
export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: Schema;
}

/** What the generator needs of one operation of the document. */
export interface Operation {
  readonly operationId: string;
  readonly method: string;
  /** OpenAPI path template (`/v1/items/{itemId}`). */
  readonly path: string;
  readonly parameters: readonly Parameter[];
  readonly body: { readonly schema: Schema; readonly required: boolean } | undefined;
  /** Response schema (`application/json`) by status; `undefined` for a response without content. */
  readonly responses: Readonly<Record<string, Schema | undefined>>;
  /** Groups of query parameters of which at most one may be given (`x-exclusive-parameters`). */
  readonly exclusive: readonly (readonly string[])[];
  /** Groups of query parameters of which exactly one must be given (`x-one-of-parameters`). */
  readonly oneOf: readonly (readonly string[])[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation of an OpenAPI 3.x document, in document order. */
export function operationsOf(document: Readonly<Record<string, unknown>>): Operation[] {
  const paths = (document.paths ?? {}) as Record<string, Obj>;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const shared = (item.parameters as Obj[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const parameters = [...shared, ...((op.parameters as Obj[] | undefined) ?? [])].map((p): Parameter => ({
        name: p.name as string,
        in: p.in as Parameter['in'],
        required: p.in === 'path' || p.required === true,
        schema: (p.schema ?? true) as Schema,
      }));
      const requestBody = op.requestBody as Obj | undefined;
      const bodySchema = (requestBody?.content as Record<string, Obj> | undefined)?.['application/json']
        ?.schema;
      const responses: Record<string, Schema | undefined> = {};
      for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, Obj>))
        responses[status] = (response.content as Record<string, Obj> | undefined)?.['application/json']
          ?.schema as Schema | undefined;
      operations.push({
        operationId: (op.operationId as string | undefined) ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters,
        body:
          bodySchema === undefined
            ? undefined
            : { schema: bodySchema as Schema, required: requestBody?.required === true },
        responses,
        // a group of which exactly one must be given is exclusive too
        exclusive: [
          ...((op['x-exclusive-parameters'] as string[][] | undefined) ?? []),
          ...((op['x-one-of-parameters'] as string[][] | undefined) ?? []),
        ],
        oneOf: (op['x-one-of-parameters'] as string[][] | undefined) ?? [],
      });
    }
  }
  return operations;
}

/** A generated request of one operation. */
export interface GeneratedRequest {
  readonly operationId: string;
  readonly method: string;
  /** Path and query string, percent-encoded. */
  readonly url: string;
  readonly pathParams: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** The JSON body; absent when none is sent. */
  readonly body?: unknown;
  readonly hasBody: boolean;
  /** The one mutation of an invalid request (absent for a valid one). */
  readonly mutation?: Invalid & { readonly part: 'path' | 'query' | 'body' };
}

/** Options of {@link RequestArbitraries.valid}: those of {@link SchemaOptions}, by pointer below `/path`, `/query` or `/body` (`/body/scope`, `/path/proposalId`). */
export interface RequestOptions {
  readonly overrides?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  readonly examples?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  readonly extraItems?: number;
}

/** The object schema of an operation's parameters in one place (`path` or `query`). */
function parametersSchema(operation: Operation, where: 'path' | 'query'): Obj {
  const params = operation.parameters.filter((p) => p.in === where);
  return {
    type: 'object',
    required: params.filter((p) => p.required).map((p) => p.name),
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
  };
}

/** The schema options of one part of a request (`/path`, `/query`, `/body`). */
function partOptions(options: RequestOptions, prefix: string, context: 'json' | 'text'): SchemaOptions {
  return {
    context,
    overrides: under(options.overrides, prefix),
    examples: under(options.examples, prefix),
    ...(options.extraItems === undefined ? {} : { extraItems: options.extraItems }),
  };
}

function under(
  arbitraries: Readonly<Record<string, fc.Arbitrary<unknown>>> | undefined,
  prefix: string,
): Record<string, fc.Arbitrary<unknown>> {
  return Object.fromEntries(
    Object.entries(arbitraries ?? {})
      .filter(([pointer]) => pointer.startsWith(`${prefix}/`))
      .map(([pointer, arb]) => [pointer.slice(prefix.length), arb]),
  );
}

/** The URL of a request: path parameters filled in, query parameters appended (both percent-encoded). */
export function urlOf(
  operation: Operation,
  pathParams: Readonly<Record<string, unknown>>,
  query: Readonly<Record<string, unknown>>,
): string {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (!(name in pathParams)) throw new Error(`no value for path parameter ${name}`);
    return encodeURIComponent(textOf(pathParams[name]));
  });
  const search = Object.entries(query)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(textOf(value))}`)
    .join('&');
  return search === '' ? path : `${path}?${search}`;
}

/**
 * Query parameters with at most one of each exclusive group kept: `prefer` if present (the
 * parameter a mutation is in), else the one `pick` points at.
 */
function exclusiveKept(operation: Operation, query: Obj, pick: number, prefer?: string): Obj {
  let kept = { ...query };
  for (const group of operation.exclusive) {
    const present = group.filter((name) => name in kept);
    const keep =
      prefer !== undefined && present.includes(prefer) ? prefer : present[pick % Math.max(1, present.length)];
    for (const name of present) if (name !== keep) kept = without(kept, name);
  }
  return kept;
}

/** Path segments a URL parser rewrites (`..`), so no value of a path parameter may be one. */
const DOT_SEGMENTS = new Set(['.', '..']);

/** Valid and one-mutation invalid requests of the operations of one document. */
export class RequestArbitraries {
  public readonly schemas: SchemaArbitraries;

  public constructor(public readonly document: Readonly<Record<string, unknown>>) {
    this.schemas = new SchemaArbitraries(document);
  }

  /** Schema-valid requests of `operation` (a body that is not required is sometimes left out). */
  public valid(operation: Operation, options: RequestOptions = {}): fc.Arbitrary<GeneratedRequest> {
    const text = (prefix: string, schema: Obj): fc.Arbitrary<Obj> =>
      this.schemas.valid(schema, partOptions(options, prefix, 'text')) as fc.Arbitrary<Obj>;
    const path = text('/path', parametersSchema(operation, 'path')).filter((params) =>
      Object.values(params).every((v) => !DOT_SEGMENTS.has(textOf(v))),
    );
    const query = fc
      .tuple(text('/query', parametersSchema(operation, 'query')), fc.nat())
      .map(([q, pick]) => exclusiveKept(operation, q, pick))
      .filter((q) => operation.oneOf.every((group) => group.some((name) => name in q)));
    const bodyOptions = partOptions(options, '/body', 'json');
    const body: fc.Arbitrary<{ hasBody: boolean; body?: unknown }> = operation.body
      ? operation.body.required
        ? this.schemas.valid(operation.body.schema, bodyOptions).map((b) => ({ hasBody: true, body: b }))
        : fc.oneof(
            {
              weight: 3,
              arbitrary: this.schemas
                .valid(operation.body.schema, bodyOptions)
                .map((b) => ({ hasBody: true, body: b })),
            },
            { weight: 1, arbitrary: fc.constant({ hasBody: false }) },
          )
      : fc.constant({ hasBody: false });
    return fc.tuple(path, query, body).map(([p, q, b]) => ({
      operationId: operation.operationId,
      method: operation.method,
      url: urlOf(operation, p, q),
      pathParams: p,
      query: q,
      ...b,
    }));
  }

  /**
   * Requests of `operation` with exactly one mutation in one part (path, query or body), the rest
   * valid; null when no part can be mutated. A path parameter keeps being one non-empty segment
   * (an empty or `..` one would name another resource, not an invalid one).
   */
  public invalid(operation: Operation): fc.Arbitrary<GeneratedRequest> | null {
    const parts: fc.Arbitrary<GeneratedRequest>[] = [];
    const pathSchema = parametersSchema(operation, 'path');
    const querySchema = parametersSchema(operation, 'query');
    const validPath = this.schemas.valid(pathSchema, { context: 'text' }) as fc.Arbitrary<Obj>;
    const validQuery = fc
      .tuple(this.schemas.valid(querySchema, { context: 'text' }) as fc.Arbitrary<Obj>, fc.nat())
      .map(([q, pick]) => exclusiveKept(operation, q, pick));
    const validBody: fc.Arbitrary<{ hasBody: boolean; body?: unknown }> = operation.body
      ? this.schemas.valid(operation.body.schema).map((b) => ({ hasBody: true, body: b }))
      : fc.constant({ hasBody: false });
    const request = (
      p: Obj,
      q: Obj,
      b: { hasBody: boolean; body?: unknown },
      mutation: GeneratedRequest['mutation'],
    ): GeneratedRequest => ({
      operationId: operation.operationId,
      method: operation.method,
      url: urlOf(operation, p, q),
      pathParams: p,
      query: q,
      ...b,
      ...(mutation ? { mutation } : {}),
    });
    const badPath = this.schemas.invalid(pathSchema, { context: 'text' });
    if (badPath) {
      const oneSegment = badPath.filter(
        (i) =>
          i.kind !== 'missing-required' &&
          Object.values(i.value as Obj).every((v) => textOf(v) !== '' && !DOT_SEGMENTS.has(textOf(v))),
      );
      parts.push(
        fc
          .tuple(oneSegment, validQuery, validBody)
          .map(([i, q, b]) => request(i.value as Obj, q, b, { ...i, part: 'path' })),
      );
    }
    const badQuery = this.schemas.invalid(querySchema, { context: 'text' });
    if (badQuery)
      parts.push(
        fc.tuple(validPath, badQuery, validBody, fc.nat()).map(([p, i, b, pick]) =>
          request(p, exclusiveKept(operation, i.value as Obj, pick, i.at.split('/')[1]), b, {
            ...i,
            part: 'query',
          }),
        ),
      );
    for (const group of operation.exclusive) {
      // Every parameter of the group given, each valid on its own.
      const combined = {
        ...querySchema,
        required: [...new Set([...(querySchema.required as string[]), ...group])],
      };
      parts.push(
        fc
          .tuple(validPath, this.schemas.valid(combined, { context: 'text' }) as fc.Arbitrary<Obj>, validBody)
          .map(([p, q, b]) =>
            request(p, q, b, {
              value: q,
              kind: 'exclusive-parameters',
              at: `/${group.join(',')}`,
              part: 'query',
            }),
          ),
      );
    }
    if (operation.body) {
      const badBody = this.schemas.invalid(operation.body.schema);
      if (badBody)
        parts.push(
          fc
            .tuple(validPath, validQuery, badBody)
            .map(([p, q, i]) => request(p, q, { hasBody: true, body: i.value }, { ...i, part: 'body' })),
        );
    }
    return parts.length > 0 ? fc.oneof(...parts) : null;
  }

  /**
   * Whether a request is valid as the document describes it: path and query values judged by
   * their text (coerced), the body as JSON, a required body present. Unknown query parameters are
   * not judged (OpenAPI cannot say "no others").
   */
  public isValid(
    operation: Operation,
    request: Pick<GeneratedRequest, 'pathParams' | 'query' | 'body' | 'hasBody'>,
  ): boolean {
    const textValid = (schema: Obj, values: Readonly<Record<string, unknown>>): boolean =>
      (schema.required as string[]).every((name) => name in values) &&
      Object.entries(values).every(([name, value]) => {
        const child = (schema.properties as Record<string, Schema>)[name];
        return child === undefined || this.schemas.validates(child, value, 'text');
      });
    if (!textValid(parametersSchema(operation, 'path'), request.pathParams)) return false;
    if (!textValid(parametersSchema(operation, 'query'), request.query)) return false;
    if (operation.exclusive.some((group) => group.filter((name) => name in request.query).length > 1))
      return false;
    if (!operation.body) return !request.hasBody;
    if (!request.hasBody) return !operation.body.required;
    return this.schemas.validates(operation.body.schema, request.body);
  }
}
