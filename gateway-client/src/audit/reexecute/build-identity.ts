/**
 * Which chaincode code ran, and whether the verifier has it. The chaincode definition committed on
 * the channel carries as `version` the first 12 hex characters of the package's content hash
 * (SHA-256 over `package.json`, `package-lock.json` and every file under `dist/` except
 * `*.tsbuildinfo`, each preceded by its path relative to the chaincode directory, files in sorted
 * name order, depth first — the hash `network/src/chaincode-package.ts` versions deployments with).
 *
 * {@link reexecutionPlan} splits the chain into the block ranges of each definition and says for
 * each whether its transactions can be re-executed with the local build or must be reported as
 * NOT_REEXECUTED (with the reason), so that nothing is silently checked against the wrong code.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { ChaincodeBuildError, defaultChaincodeDir } from './reexecute';

/** Length of the content-hash prefix used as the chaincode definition version. */
export const VERSION_LENGTH = 12;

/** The chaincode build the verifier re-executes with. */
export interface LocalBuild {
  readonly chaincodeDir: string;
  /** Full hex SHA-256 content hash. */
  readonly contentHash: string;
  /** Its first {@link VERSION_LENGTH} characters (the chaincode definition version). */
  readonly version: string;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      out.push(...filesUnder(full));
    } else {
      out.push(full);
    }
  }
  return out;
}

/** Content hash and version of the chaincode build in `chaincodeDir` (default: the workspace's). */
export function localBuild(chaincodeDir: string = defaultChaincodeDir()): LocalBuild {
  const dir = path.resolve(chaincodeDir);
  const dist = path.join(dir, 'dist');
  if (!existsSync(dist) || !statSync(dist).isDirectory()) {
    throw new ChaincodeBuildError(
      `chaincode build missing: ${dist} does not exist, so the code to re-execute with is unknown; ` +
        'build the released chaincode (npm run build -w chaincode) first',
    );
  }
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    const full = path.join(dir, file);
    if (!existsSync(full)) {
      throw new ChaincodeBuildError(`${full} is missing; it is part of the chaincode content hash`);
    }
    hash.update(file).update(readFileSync(full));
  }
  for (const file of filesUnder(dist)) {
    if (file.endsWith('.tsbuildinfo')) {
      continue;
    }
    hash.update(path.relative(dir, file)).update(readFileSync(file));
  }
  const contentHash = hash.digest('hex');
  return { chaincodeDir: dir, contentHash, version: contentHash.slice(0, VERSION_LENGTH) };
}

/** A record written when a chaincode definition was committed (by the deploy tooling). */
export interface DeploymentRecord {
  readonly channel: string;
  readonly chaincode: string;
  readonly sequence: number;
  readonly version: string;
  readonly packageId: string;
  /** Full hex SHA-256 content hash of the deployed package. */
  readonly contentHash: string;
  /** Source commit the package was built from, when known. */
  readonly sourceCommit: string | null;
  /** ISO 8601 time of the commit of the definition. */
  readonly committedAt: string;
}

const deploymentsSchema = {
  type: 'object',
  required: ['deployments'],
  properties: {
    deployments: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'channel',
          'chaincode',
          'sequence',
          'version',
          'packageId',
          'contentHash',
          'sourceCommit',
          'committedAt',
        ],
        properties: {
          channel: { type: 'string', minLength: 1 },
          chaincode: { type: 'string', minLength: 1 },
          sequence: { type: 'integer', minimum: 1 },
          version: { type: 'string', minLength: 1 },
          packageId: { type: 'string', minLength: 1 },
          contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          sourceCommit: { anyOf: [{ type: 'string', pattern: '^[0-9a-f]{7,64}$' }, { type: 'null' }] },
          committedAt: {
            type: 'string',
            pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
          },
        },
      },
    },
  },
} as const;

const validateDeployments = new Ajv({ allErrors: true, strict: false }).compile<{
  deployments: DeploymentRecord[];
}>(deploymentsSchema);

/** Validates the contents of a deployments file (`{ deployments: DeploymentRecord[] }`). */
export function parseDeploymentRecords(json: unknown, source = 'deployment records'): DeploymentRecord[] {
  if (!validateDeployments(json)) {
    const problems = (validateDeployments.errors ?? [])
      .map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? 'is invalid'}`)
      .join('; ');
    throw new Error(`${source}: invalid deployment records: ${problems}`);
  }
  return json.deployments;
}

/** Reads and validates a deployments JSON file. */
export function loadDeploymentRecords(file: string): DeploymentRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read deployment records: ${(error as Error).message}`);
  }
  return parseDeploymentRecords(json, file);
}

/** A chaincode definition as committed on the channel, and the first block it applies to. */
export interface DefinitionAt {
  readonly sequence: number;
  readonly version: string;
  /** First block whose transactions run under this definition. */
  readonly fromBlock: number;
}

/** One block range of the plan. */
export interface PlanRange {
  readonly sequence: number;
  readonly version: string;
  readonly fromBlock: number;
  /** Last block of the range (inclusive), or null for "to the end of the chain". */
  readonly toBlock: number | null;
  readonly status: 'REEXECUTE' | 'NOT_REEXECUTED';
  /** Why the range is not re-executed (null when it is). */
  readonly reason: string | null;
  /** The deployment record of this sequence, when one was given. */
  readonly deployment: DeploymentRecord | null;
}

/** Which deployment records apply (e.g. only the catalog chaincode on one channel). */
export interface PlanScope {
  readonly channel?: string;
  readonly chaincode?: string;
}

function judge(
  def: DefinitionAt,
  build: LocalBuild,
  records: readonly DeploymentRecord[],
): { reason: string | null; deployment: DeploymentRecord | null } {
  const forSequence = records.filter((r) => r.sequence === def.sequence);
  const distinct = new Set(forSequence.map((r) => `${r.version}|${r.contentHash}|${r.packageId}`));
  if (distinct.size > 1) {
    return {
      reason: `conflicting deployment records for sequence ${def.sequence}`,
      deployment: forSequence[0] ?? null,
    };
  }
  const deployment = forSequence[0] ?? null;
  if (def.version !== build.version) {
    return {
      reason:
        `definition sequence ${def.sequence} runs version ${def.version}, ` +
        `but the local build is version ${build.version}`,
      deployment,
    };
  }
  if (deployment !== null) {
    if (deployment.version !== def.version) {
      return {
        reason: `deployment record for sequence ${def.sequence} names version ${deployment.version}, the definition ${def.version}`,
        deployment,
      };
    }
    if (deployment.contentHash !== build.contentHash) {
      return {
        reason:
          `deployment record for sequence ${def.sequence} has content hash ${deployment.contentHash}, ` +
          `the local build ${build.contentHash} (same version prefix, different code)`,
        deployment,
      };
    }
  }
  return { reason: null, deployment };
}

/**
 * For each definition's block range: re-execute when the definition's version is the local build's
 * version and (when a deployment record of that sequence exists) the record's full content hash is
 * the local build's; otherwise NOT_REEXECUTED with the reason. Ranges are ordered by first block;
 * each ends where the next begins.
 */
export function reexecutionPlan(
  definitions: readonly DefinitionAt[],
  build: LocalBuild,
  deployments: readonly DeploymentRecord[] = [],
  scope: PlanScope = {},
): PlanRange[] {
  const records = deployments.filter(
    (r) =>
      (scope.channel === undefined || r.channel === scope.channel) &&
      (scope.chaincode === undefined || r.chaincode === scope.chaincode),
  );
  const sorted = [...definitions].sort((a, b) => a.fromBlock - b.fromBlock || a.sequence - b.sequence);
  return sorted.map((def, i) => {
    const next = sorted[i + 1];
    const { reason, deployment } = judge(def, build, records);
    return {
      sequence: def.sequence,
      version: def.version,
      fromBlock: def.fromBlock,
      toBlock: next === undefined ? null : Math.max(def.fromBlock, next.fromBlock - 1),
      status: reason === null ? 'REEXECUTE' : 'NOT_REEXECUTED',
      reason,
      deployment,
    };
  });
}

/** The plan range a block falls in, or null (before the first definition: no chaincode yet). */
export function planRangeOf(plan: readonly PlanRange[], blockNumber: number): PlanRange | null {
  let found: PlanRange | null = null;
  for (const range of plan) {
    if (range.fromBlock <= blockNumber && (range.toBlock === null || blockNumber <= range.toBlock)) {
      found = range;
    }
  }
  return found;
}
