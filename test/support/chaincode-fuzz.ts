/**
 * Hostile arguments for every transaction of the catalog chaincode, for the property-based tests
 * against the in-memory peer (test/unit/chaincode/fuzz.test.ts) and on the real network
 * (test/network/64-hostile-input.test.ts).
 *
 * The transactions come from the committed API contract (`chaincode/metadata.json`), so a new one
 * cannot be missed. A JSON argument is drawn from a mix of: schema-valid values (from the
 * transaction's own JSON Schema, with ids that exist mixed in so calls get past "not found"), values
 * one mutation away from valid, any JSON text, any text (lone surrogates and control characters
 * included), truncated JSON, deeply nested arrays and objects, a megabyte-long field, and
 * `__proto__` / `constructor` keys. A refusal passes only if its message is `CODE: text` with a code
 * of the chaincode's registry other than INTERNAL (INTERNAL is what a crash becomes).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ERROR_CODES, errorCodeOf, schemas, type SchemaName } from '@nrdl-catalog/chaincode/model';
import { openApiSafe } from '../../apps/api/src/routes';
import { SchemaArbitraries, type Schema } from './openapi-arbitrary';

/** One transaction of the chaincode's API contract. */
export interface FuzzTransaction {
  /** `Contract:Function`, as clients call it. */
  readonly name: string;
  readonly contract: string;
  readonly fn: string;
  /** SUBMIT-tagged (writes) or EVALUATE. */
  readonly submit: boolean;
  readonly parameters: number;
  /** The JSON Schema of its single JSON argument (`Contract.Function`), or null (System's text arguments). */
  readonly schema: SchemaName | null;
}

interface Metadata {
  readonly contracts: Record<
    string,
    { readonly transactions: readonly { name: string; tag?: string[]; parameters?: unknown[] }[] }
  >;
}

/** Every transaction of `chaincode/metadata.json` (Fabric's own `org.hyperledger.fabric` left out). */
export function fuzzTransactions(): FuzzTransaction[] {
  const file = path.resolve(__dirname, '../../chaincode/metadata.json');
  const metadata = JSON.parse(readFileSync(file, 'utf8')) as Metadata;
  const out: FuzzTransaction[] = [];
  for (const [contract, { transactions }] of Object.entries(metadata.contracts)) {
    if (contract === 'org.hyperledger.fabric') continue;
    for (const t of transactions) {
      const schemaName = `${contract}.${t.name}`;
      out.push({
        name: `${contract}:${t.name}`,
        contract,
        fn: t.name,
        submit: (t.tag ?? []).includes('SUBMIT'),
        parameters: (t.parameters ?? []).length,
        schema: schemaName in schemas ? (schemaName as SchemaName) : null,
      });
    }
  }
  return out;
}

/** Ids that exist on the ledger the fuzz runs against: mixed into schema-valid values. */
export interface KnownIds {
  readonly proposalIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly ruleIds?: readonly string[];
  readonly mspIds?: readonly string[];
  readonly txIds?: readonly string[];
  /**
   * Arguments that make sense on that ledger, per schema (a vote naming what an open proposal shows,
   * a chunk for a draft, …): drawn as they are, or with one property taken from a schema-valid value,
   * so the fuzz also reaches the checks after "not found" and "wrong state".
   */
  readonly plausible?: Partial<Record<SchemaName, readonly Record<string, unknown>[]>>;
}

const PROVINCE_FORMS = [
  'Guangdong',
  '广东省',
  '粤',
  'GD',
  'GuangdongMSP',
  'sichuan',
  'ＳＣ',
  'Shaanxi',
  '610000',
  'Atlantis',
];

function examplesOf(known: KnownIds): Record<string, fc.Arbitrary<unknown>> {
  const pick = <T>(xs: readonly T[], fallback: T): fc.Arbitrary<T> =>
    xs.length === 0 ? fc.constant(fallback) : fc.constantFrom(...xs);
  const proposalId = pick(known.proposalIds, '0'.repeat(64));
  const itemId = pick(known.itemIds, 'D-0000000000000000');
  const province = fc.constantFrom(...PROVINCE_FORMS);
  return {
    '/proposalId': proposalId,
    '/itemId': itemId,
    '/ruleId': pick(known.ruleIds ?? [], 'R-none'),
    '/province': province,
    '/lines/*/itemId': itemId,
    '/lines/*/province': province,
    '/changes/*/itemId': itemId,
    '/changes/*/overlay/itemId': itemId,
    '/changes/*/overlay/province': province,
    '/changes/*/province': province,
  };
}

const generators = new SchemaArbitraries();

/**
 * The schema as the generator understands it: `dependencies` (which the generator does not know)
 * left out. Values drawn from it may break a dependency: that only makes them more hostile.
 */
function generatorSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(generatorSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'dependencies')
      .map(([key, value]) => [key, generatorSchema(value)]),
  );
}

/** A text of about `size` characters that is not valid JSON's end: JSON cut short. */
function truncated(text: string, at: number): string {
  return text.slice(0, Math.max(0, Math.min(text.length - 1, at)));
}

/** Hostile JSON-argument texts for the schema `name`. */
export function jsonArgument(name: SchemaName, known: KnownIds): fc.Arbitrary<string> {
  const schema = generatorSchema(openApiSafe(schemas[name])) as Schema;
  const valid = generators.valid(schema, { examples: examplesOf(known), extraItems: 2 });
  const invalid = generators.invalid(schema);
  const validText = valid.map((v) => JSON.stringify(v));
  const parts: { weight: number; arbitrary: fc.Arbitrary<string> }[] = [
    { weight: 4, arbitrary: validText },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(validText, fc.nat(400)).map(([text, at]) => truncated(text, at)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 64, max: 20_000 }), fc.boolean())
        .map(([depth, arrays]) =>
          arrays
            ? `${'['.repeat(depth)}${']'.repeat(depth)}`
            : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom('title', 'itemId', 'proposalId', 'name', 'province', 'bookmark', 'x'),
          fc.integer({ min: 1 << 16, max: 1 << 20 }),
        )
        .map(([v, key, size]) =>
          JSON.stringify({ ...(typeof v === 'object' && v !== null ? v : {}), [key]: '药'.repeat(size) }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          validText,
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
        )
        .map(([text, key]) => (text.startsWith('{') ? `{"${key}":{"polluted":true},${text.slice(1)}` : text)),
    },
  ];
  if (invalid !== null) parts.push({ weight: 4, arbitrary: invalid.map((i) => JSON.stringify(i.value)) });
  const plausible = known.plausible?.[name] ?? [];
  if (plausible.length > 0) {
    parts.push({
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...plausible), valid, fc.nat(), fc.boolean())
        .map(([base, other, pick, mix]) => {
          const keys = Object.keys(base);
          const key = keys[pick % Math.max(1, keys.length)];
          const from = typeof other === 'object' && other !== null ? (other as Record<string, unknown>) : {};
          return JSON.stringify(
            mix && key !== undefined && key in from ? { ...base, [key]: from[key] } : base,
          );
        }),
    });
  }
  return fc.oneof(...parts);
}

/** Hostile text arguments (the System contract takes plain strings). */
export function textArgument(known: KnownIds): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\u0000ping\u0000',
      '\uD800',
      ...(known.mspIds ?? []),
      ...(known.txIds ?? []),
    ),
    fc.integer({ min: 4000, max: 1 << 18 }).map((n) => 'p'.repeat(n)),
  );
}

/** The argument list of a call of `tx`: its declared number of arguments, each hostile. */
export function argumentsOf(tx: FuzzTransaction, known: KnownIds): fc.Arbitrary<string[]> {
  if (tx.schema !== null && tx.parameters === 1) return jsonArgument(tx.schema, known).map((a) => [a]);
  return fc
    .tuple(...Array.from({ length: tx.parameters }, () => textArgument(known)))
    .map((args) => [...args]);
}

/** Longest refusal message the fuzz accepts: it travels in gRPC trailers (grpc-js keeps 8 KiB of metadata). */
export const MAX_REFUSAL_BYTES = 4096;

/**
 * Null when `message` is a registered refusal (`CODE: text`, code in ERROR_CODES, not INTERNAL);
 * else why it is not.
 */
export function refusalProblem(error: unknown): string | null {
  if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
  const code = errorCodeOf(error.message);
  if (code === null || !error.message.startsWith(`${code}: `)) {
    return `uncoded ${error.name}: ${error.message.slice(0, 200)}`;
  }
  if (!(code in ERROR_CODES)) return `unregistered code ${code}`;
  if (code === 'INTERNAL') return `INTERNAL (a crash inside the chaincode): ${error.message.slice(0, 300)}`;
  // The refusal reaches the client in gRPC trailers (a few kilobytes at most): it must stay short.
  if (Buffer.byteLength(error.message) > MAX_REFUSAL_BYTES) {
    return `a refusal of ${String(Buffer.byteLength(error.message))} bytes (at most ${String(MAX_REFUSAL_BYTES)}): ${error.message.slice(0, 200)}`;
  }
  return null;
}

/** A short, printable description of a case for failure messages. */
export function describeCase(caller: unknown, args: readonly string[]): string {
  const shown = args.map((a) =>
    a.length > 300 ? `${JSON.stringify(a.slice(0, 300))}… (${String(a.length)} chars)` : JSON.stringify(a),
  );
  return `as ${JSON.stringify(caller)} with [${shown.join(', ')}]`;
}
