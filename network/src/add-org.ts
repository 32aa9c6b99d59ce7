/**
 * `npm run network:add-org -- <name> --msp <MSPID> --province <English name> --zh <中文名>
 * --abbr <简称> --code <XX> --division <NNNNNN> [--zh-short <简称>] [--no-up]`: records a new
 * province organisation in `network/topology.json` — its identities (admin, proposer, approver,
 * hospital1), the next free ports of the plan's block for added provinces (21500–21999, ten per
 * organisation), its peer in the chaincode's endorsement policy — and runs `network:up`, which does
 * the rest (CA and identities, peer, the channel configuration update signed by a majority of the
 * members' admins, the chaincode definition's next sequence approved by every organisation).
 * Editing the topology by hand and running `network:up` does the same. Run again, it changes
 * nothing (the organisation is recorded already: `network:up` only resumes).
 *
 * The province becomes a member of the catalog — it votes and quorums count it — only when a
 * governance proposal adding it applies (`catalog governance propose --add-province <name>`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { networkUp } from './network';
import { TOPOLOGY_FILE, TopologyError, validateTopology, type OrgSpec, type Topology } from './topology';

/** First port of the block the added provinces take (ten ports each: peer 1–3, CA 4–5). */
export const ADDED_ORGS_FIRST_PORT = 21500;
/** Ports of the added provinces' block end before this one. */
export const ADDED_ORGS_END_PORT = 22000;

/** What the command line names of the new province. */
export interface NewProvince {
  readonly name: string;
  readonly mspId: string;
  readonly province: string;
  readonly zh: string;
  readonly zhShort: string;
  readonly abbr: string;
  readonly code: string;
  readonly division: string;
}

/** The ten ports of the `index`-th added organisation: peer gRPC, chaincode, operations; CA API, operations. */
export function addedOrgPorts(index: number): Pick<OrgSpec, 'ca' | 'peer'> {
  const base = ADDED_ORGS_FIRST_PORT + 10 * index;
  if (base + 10 > ADDED_ORGS_END_PORT) {
    throw new TopologyError(
      `no free ports for another organisation (${String(ADDED_ORGS_FIRST_PORT)}-${String(ADDED_ORGS_END_PORT - 1)} are taken)`,
    );
  }
  return {
    peer: { port: base + 1, chaincodePort: base + 2, operationsPort: base + 3 },
    ca: { port: base + 4, operationsPort: base + 5 },
  };
}

/** A signature policy string with `mspId`'s peer added to its principals (unchanged when it is there). */
export function withEndorser(policy: string, mspId: string): string {
  if (policy.includes(`'${mspId}.peer'`)) return policy;
  const close = policy.lastIndexOf(')');
  if (close < 0)
    throw new TopologyError(`chaincode endorsement policy ${JSON.stringify(policy)} has no principal list`);
  return `${policy.slice(0, close)},'${mspId}.peer'${policy.slice(close)}`;
}

/**
 * The topology (as its JSON object, every other field kept) with the new province recorded, and
 * whether it changed: a province recorded already (same name and MSP id) changes nothing; a name or
 * MSP id used by another organisation, or any form of the province's name another member answers
 * to, is a {@link TopologyError}.
 */
export function addProvinceToTopology(
  raw: Record<string, unknown>,
  next: NewProvince,
): { readonly topology: Record<string, unknown>; readonly changed: boolean } {
  const current = validateTopology(raw);
  const same = current.orgs.find((org) => org.name === next.name);
  if (same !== undefined && same.mspId === next.mspId && same.kind === 'province') {
    return { topology: raw, changed: false };
  }
  const added = current.orgs.filter(
    (org) => org.peer.port >= ADDED_ORGS_FIRST_PORT && org.peer.port < ADDED_ORGS_END_PORT,
  ).length;
  const org: OrgSpec = {
    name: next.name,
    mspId: next.mspId,
    displayName: `${next.province} Healthcare Security Administration`,
    kind: 'province',
    province: next.province,
    code: next.code,
    division: next.division,
    zh: next.zh,
    zhShort: next.zhShort,
    abbr: next.abbr,
    ...addedOrgPorts(added),
    identities: [
      { name: 'admin', role: 'admin' },
      { name: 'proposer', role: 'proposer' },
      { name: 'approver', role: 'approver' },
      { name: 'hospital1', role: 'hospital' },
    ],
  };
  const chaincode = current.chaincode;
  const topology: Record<string, unknown> = {
    ...raw,
    chaincode: { ...chaincode, endorsementPolicy: withEndorser(chaincode.endorsementPolicy, next.mspId) },
    orgs: [...current.orgs, org],
  };
  validateTopology(topology); // names, MSP ids, every form of the province's name, ports
  return { topology, changed: true };
}

const USAGE =
  'usage: npm run network:add-org -- <name> --msp <MSPID> --province <English name> --zh <中文名> ' +
  '--abbr <简称> --code <XX> --division <NNNNNN> [--zh-short <简称>] [--no-up]';

/** Reads the command line into the new province; a {@link TopologyError} names what is missing. */
export function parseAddOrg(argv: readonly string[]): {
  readonly province: NewProvince;
  readonly up: boolean;
} {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      msp: { type: 'string' },
      province: { type: 'string' },
      zh: { type: 'string' },
      'zh-short': { type: 'string' },
      abbr: { type: 'string' },
      code: { type: 'string' },
      division: { type: 'string' },
      'no-up': { type: 'boolean' },
    },
  });
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) throw new TopologyError(USAGE);
  const need = (key: 'msp' | 'province' | 'zh' | 'abbr' | 'code' | 'division'): string => {
    const value = values[key];
    if (value === undefined || value.trim() === '') throw new TopologyError(`--${key} is required\n${USAGE}`);
    return value.trim();
  };
  const zh = need('zh');
  return {
    province: {
      name,
      mspId: need('msp'),
      province: need('province'),
      zh,
      zhShort: values['zh-short']?.trim() ?? zh.replace(/(省|市|自治区|特别行政区)$/u, ''),
      abbr: need('abbr'),
      code: need('code'),
      division: need('division'),
    },
    up: values['no-up'] !== true,
  };
}

/** Runs the command: records the province, then brings the network up with it. Resolves with the exit code. */
export async function addOrgMain(
  argv: readonly string[],
  deps: {
    readonly file?: string;
    readonly up?: (topology: Topology) => Promise<void>;
    readonly out?: (text: string) => void;
    readonly err?: (text: string) => void;
  } = {},
): Promise<number> {
  const file = deps.file ?? TOPOLOGY_FILE;
  const out = deps.out ?? ((text: string) => process.stdout.write(text));
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  let parsed: ReturnType<typeof parseAddOrg>;
  let result: ReturnType<typeof addProvinceToTopology>;
  try {
    parsed = parseAddOrg(argv);
    result = addProvinceToTopology(
      JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>,
      parsed.province,
    );
  } catch (error) {
    if (error instanceof TopologyError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`network: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  if (result.changed) {
    writeFileSync(file, `${JSON.stringify(result.topology, null, 2)}\n`);
    out(`${parsed.province.mspId} (${parsed.province.zh}) recorded in network/topology.json\n`);
  } else {
    out(`${parsed.province.mspId} is recorded already; resuming\n`);
  }
  if (!parsed.up) return 0;
  await (deps.up ?? ((topology) => networkUp({ topology })))(validateTopology(result.topology));
  out(
    `${parsed.province.mspId} is in the channel and endorses; it reads the catalog now.\n` +
      `It votes once a governance proposal adding it applies: catalog governance propose --add-province ${parsed.province.name}\n`,
  );
  return 0;
}

if (require.main === module) {
  addOrgMain(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`network: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
