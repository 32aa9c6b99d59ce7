/**
 * The members of the network, from the one place they are written down before a ledger exists
 * (`network/topology.json`) to the one place they are read from afterwards (the governance record
 * on chain): {@link membersFromTopology} turns the topology into the members InitGovernance takes,
 * and {@link provinceOf} / {@link walletOrgOf} answer client questions from the record read back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CatalogError,
  checkMembers,
  type InitGovernanceInput,
  normaliseProvince,
  parseInput,
  type ProvinceInfo,
  type ProvinceMember,
  type ProvinceMembers,
} from '@nrdl-catalog/chaincode/model';
import { decodeError } from '@nrdl-catalog/chaincode/messages';
import { displayPath, fsReason } from './display-path';
import { InvalidInputError, toClientError } from './errors';
import { walletOrgs } from './identity';

/** The members part of InitGovernance's input: everything but the rule options. */
export type GovernanceMembers = Required<
  Pick<InitGovernanceInput, 'provinces' | 'nationalMsp' | 'auditors'>
> &
  Pick<InitGovernanceInput, 'nationalNames'>;

/** A topology that does not describe the members InitGovernance needs (`INVALID_INPUT`). */
export class MembersError extends InvalidInputError {
  public constructor(message: string) {
    super('INVALID_INPUT', `topology: ${message}`);
  }
}

/** What a province organisation of the topology must carry, and what each field is. */
const PROVINCE_FIELDS = {
  province: 'canonical name, e.g. "Guangdong"',
  code: 'two-letter code of its item ids, e.g. "GD"',
  division: 'six-digit administrative division code, e.g. "440000"',
  zh: 'Chinese name, e.g. "广东省"',
  zhShort: 'Chinese short name, e.g. "广东"',
  abbr: 'one-character abbreviation, e.g. "粤"',
} as const;

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(org: Json, field: string, who: string, what: string): string {
  const value = org[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new MembersError(`${who} needs "${field}" (${what})`);
  }
  return value;
}

function orgName(org: Json, index: number): string {
  const name = typeof org.name === 'string' ? org.name : `#${index + 1}`;
  return typeof org.mspId === 'string' ? `organisation ${name} (${org.mspId})` : `organisation ${name}`;
}

/**
 * The members InitGovernance takes, from a parsed topology (`network/topology.json`): the
 * `national` organisation's MSP id (and its English / Chinese names), every `province`
 * organisation as a member record (canonical name from `province`; `code`, `division`, `zh`,
 * `zhShort`, `abbr`), and the `auditor` organisations' MSP ids. Checked with the chaincode's own
 * schema and member rules, so a topology that would be refused on chain is refused here, naming
 * the organisation and field ({@link MembersError}).
 */
export function membersFromTopology(json: unknown): GovernanceMembers {
  if (!isObject(json) || !Array.isArray(json.orgs)) {
    throw new MembersError('expected an object with an "orgs" array');
  }
  const orgs = json.orgs as unknown[];
  const provinces: ProvinceMember[] = [];
  const auditors: string[] = [];
  const national: Json[] = [];
  orgs.forEach((org, index) => {
    if (!isObject(org)) throw new MembersError(`organisation #${index + 1} is not an object`);
    const who = orgName(org, index);
    const mspId = stringField(org, 'mspId', who, 'its MSP id');
    if (org.kind === 'national') {
      national.push(org);
    } else if (org.kind === 'auditor') {
      auditors.push(mspId);
    } else if (org.kind === 'province') {
      const field = (name: keyof typeof PROVINCE_FIELDS): string =>
        stringField(org, name, `province ${who}`, PROVINCE_FIELDS[name]);
      provinces.push({
        name: field('province'),
        mspId,
        code: field('code'),
        division: field('division'),
        zh: field('zh'),
        zhShort: field('zhShort'),
        abbr: field('abbr'),
      });
    }
  });
  const [nhsa, ...more] = national;
  if (nhsa === undefined || more.length > 0) {
    throw new MembersError(`expected one organisation of kind "national", found ${national.length}`);
  }
  const nationalMsp = stringField(nhsa, 'mspId', orgName(nhsa, 0), 'its MSP id');
  const members: GovernanceMembers = {
    nationalMsp,
    ...(typeof nhsa.zh === 'string' && typeof nhsa.displayName === 'string'
      ? { nationalNames: { en: nhsa.displayName, zh: nhsa.zh } }
      : {}),
    provinces,
    auditors,
  };
  try {
    parseInput('Governance.InitGovernance', JSON.stringify(members));
    checkMembers(members);
  } catch (error) {
    if (error instanceof CatalogError) {
      const text = decodeError(error.message)?.text ?? error.message;
      throw new MembersError(text.replace(/^(Governance\.InitGovernance: )?/, ''));
    }
    throw error;
  }
  return members;
}

/** {@link membersFromTopology} of a topology file (e.g. `network/topology.json`). */
export function readTopologyMembers(file: string): GovernanceMembers {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MembersError(`cannot read ${displayPath(file)}: ${fsReason(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MembersError(`${displayPath(file)} is not JSON: ${(error as Error).message}`);
  }
  return membersFromTopology(json);
}

/**
 * The member a province argument names in any form the governance record lists (the chaincode's
 * own normalisation); `UNKNOWN_PROVINCE` as the client's typed error otherwise.
 */
export function provinceOf(g: ProvinceMembers, input: string): ProvinceInfo {
  try {
    return normaliseProvince(g, input);
  } catch (error) {
    throw toClientError(error);
  }
}

/**
 * The wallet folder (organisation name of `--as <org>/<identity>`) of an MSP: the folder one of
 * whose identities' identity.json names that MSP id, else null (no wallet, or nobody enrolled).
 */
export function walletOrgOf(walletDir: string, mspId: string): string | null {
  for (const org of walletOrgs(walletDir)) {
    let identities: string[];
    try {
      identities = readdirSync(path.join(walletDir, org)).sort();
    } catch {
      continue;
    }
    for (const identity of identities) {
      try {
        const meta = JSON.parse(
          readFileSync(path.join(walletDir, org, identity, 'identity.json'), 'utf8'),
        ) as { mspId?: unknown };
        if (meta.mspId === mspId) return org;
      } catch {
        // not an identity folder
      }
    }
  }
  return null;
}

/**
 * The wallet organisation of a governance member: {@link walletOrgOf} its MSP id, else its canonical
 * name in lower case (how the topology names province organisations).
 */
export function walletOrgOfMember(walletDir: string, member: Pick<ProvinceMember, 'mspId' | 'name'>): string {
  return walletOrgOf(walletDir, member.mspId) ?? member.name.toLowerCase().replace(/[^a-z0-9]/g, '');
}
