/**
 * The members every in-memory test network is initialised with: the real topology's
 * (network/topology.json), through the same `membersFromTopology` that seeds the real network. One
 * fixture, so a test never carries a list of its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InitGovernanceInput, ProvinceMember } from '@nrdl-catalog/chaincode/model';
import { membersFromTopology, type GovernanceMembers } from '../../../gateway-client/src/governance-members';

/** The repository's topology file. */
export const TOPOLOGY_FILE = path.resolve(__dirname, '../../../network/topology.json');

/** The InitGovernance members of the real topology (NHSA, Guangdong, Sichuan, Shaanxi, auditors). */
export const MEMBERS: GovernanceMembers = membersFromTopology(
  JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as unknown,
);

/** InitGovernance's input: the topology's members and, optionally, rule options. */
export function initInput(extra: Omit<InitGovernanceInput, 'provinces'> = {}): InitGovernanceInput {
  return { ...MEMBERS, ...extra };
}

/** The member record of a province of the topology, by canonical name. */
export function member(name: string): ProvinceMember {
  const found = MEMBERS.provinces.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no province ${name} in network/topology.json`);
  return found;
}

/** A province no code has heard of: only a governance record names it. */
export const HUBEI: ProvinceMember = {
  name: 'Hubei',
  mspId: 'HubeiMSP',
  code: 'HB',
  division: '420000',
  zh: '湖北省',
  zhShort: '湖北',
  abbr: '鄂',
};

/**
 * MSP id of each wallet organisation (`nhsa`, `guangdong`, …) of the topology, and of `hubei` for
 * the tests in which a governance record adds it.
 */
export const MSP_OF_ORG: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    (JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as { orgs: { name: string; mspId: string }[] }).orgs.map(
      (org) => [org.name, org.mspId],
    ),
  ),
  hubei: HUBEI.mspId,
};
