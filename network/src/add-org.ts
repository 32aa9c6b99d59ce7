/**
 * `npm run network:add-org -- <name> --msp <MSPID> --province <English name> --zh <中文名>
 * --abbr <简称> --code <XX> --division <NNNNNN> [--zh-short <简称>] [--join-from <org>] [--no-up]`:
 * records a new province organisation in `network/topology.json` — its identities (admin,
 * proposer, approver, hospital1), the next free loopback address 127.0.N.1 as its host, the next
 * free ports of the block for added provinces (500 above the topology's lowest block: 21500–21999
 * on the canonical ports, or `NRDL_ADDED_ORGS_FIRST_PORT`; ten per organisation), its peer in the chaincode's endorsement policy — and runs `network:up`, which does
 * the rest (CA and identities, peer, the channel configuration update signed by a majority of the
 * members' admins, the chaincode definition's next sequence approved by every organisation).
 * With `--join-from <org>` its peer joins the channel from a ledger snapshot of that organisation's
 * peer, checked against a second organisation's (network/src/snapshot-join.ts), instead of
 * replaying every block.
 * Editing the topology by hand and running `network:up` does the same. Run again, it changes
 * nothing (the organisation is recorded already: `network:up` only resumes).
 *
 * The province becomes a member of the catalog — it votes and quorums count it — only when a
 * governance proposal adding it applies (`catalog governance propose --add-province <name>`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { networkUp } from './network';
import {
  TOPOLOGY_FILE,
  TopologyError,
  nextHost,
  validateTopology,
  type OrgSpec,
  type Topology,
} from './topology';

/** Where the block of the added provinces starts by default, above the topology's lowest 500-port block. */
export const ADDED_ORGS_OFFSET = 500;
/** Ports of the block of added provinces (ten per organisation). */
export const ADDED_ORGS_BLOCK_SIZE = 500;
/** The environment variable that places the block of added provinces elsewhere (its first port). */
export const ADDED_ORGS_PORT_ENV = 'NRDL_ADDED_ORGS_FIRST_PORT';

/** The port range `[first, end)` of the added provinces' block. */
export interface PortBlock {
  readonly first: number;
  readonly end: number;
}

/**
 * The block the added provinces take: `NRDL_ADDED_ORGS_FIRST_PORT` when set, else 500 above the
 * 500-port block holding the topology's lowest port (21000–21499 → 21500–21999), so a topology
 * shifted as a whole takes its added provinces along.
 */
export function addedOrgsBlock(
  topology: Pick<Topology, 'orgs'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): PortBlock {
  const configured = env[ADDED_ORGS_PORT_ENV];
  if (configured !== undefined && configured.trim() !== '') {
    const first = Number(configured);
    if (!Number.isInteger(first) || first < 1024 || first + ADDED_ORGS_BLOCK_SIZE > 65536) {
      throw new TopologyError(
        `${ADDED_ORGS_PORT_ENV}=${configured}: not a port in 1024-${String(65536 - ADDED_ORGS_BLOCK_SIZE)}`,
      );
    }
    return { first, end: first + ADDED_ORGS_BLOCK_SIZE };
  }
  const ports = topology.orgs.flatMap((org) => [org.peer.port, org.ca.port]);
  if (ports.length === 0)
    throw new TopologyError('the topology has no organisations to place added ones beside');
  const lowest = Math.min(...ports);
  const first = Math.floor(lowest / ADDED_ORGS_BLOCK_SIZE) * ADDED_ORGS_BLOCK_SIZE + ADDED_ORGS_OFFSET;
  return { first, end: first + ADDED_ORGS_BLOCK_SIZE };
}

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
  /** The organisation whose peer's ledger snapshot the new peer joins from (`--join-from`). */
  readonly joinFrom?: string;
}

/** The ten ports of the `index`-th added organisation: peer gRPC, chaincode, operations; CA API, operations. */
export function addedOrgPorts(
  index: number,
  block: PortBlock = { first: 21500, end: 22000 },
): Pick<OrgSpec, 'ca' | 'peer'> {
  const base = block.first + 10 * index;
  if (base + 10 > block.end) {
    throw new TopologyError(
      `no free ports for another organisation (${String(block.first)}-${String(block.end - 1)} are taken)`,
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
  env: Readonly<Record<string, string | undefined>> = process.env,
): { readonly topology: Record<string, unknown>; readonly changed: boolean } {
  const current = validateTopology(raw);
  const same = current.orgs.find((org) => org.name === next.name);
  if (same !== undefined && same.mspId === next.mspId && same.kind === 'province') {
    return { topology: raw, changed: false };
  }
  const block = addedOrgsBlock(current, env);
  const added = current.orgs.filter(
    (org) => org.peer.port >= block.first && org.peer.port < block.end,
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
    host: nextHost(current.orgs.map((known) => known.host)),
    ...addedOrgPorts(added, block),
    identities: [
      { name: 'admin', role: 'admin' },
      { name: 'proposer', role: 'proposer' },
      { name: 'approver', role: 'approver' },
      { name: 'hospital1', role: 'hospital' },
    ],
    ...(next.joinFrom === undefined ? {} : { joinFrom: next.joinFrom }),
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
  '--abbr <简称> --code <XX> --division <NNNNNN> [--zh-short <简称>] [--join-from <org>] [--no-up]';

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
      'join-from': { type: 'string' },
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
      ...(values['join-from'] === undefined ? {} : { joinFrom: values['join-from'].trim().toLowerCase() }),
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
