/**
 * Gateway contracts for every caller of the access matrix: wallet identities as they are, plus
 * identities an attacker could present (a real certificate of the auditors' CA carrying
 * `catalog.role=approver`; another organisation's certificate or a home-made CA's certificate
 * presented as NHSAMSP; an MSP the channel does not know).
 */
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Contract,
  type Identity,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConnectionProfile, openConnection, type CatalogConnection } from '../../../gateway-client/src';
import { enrollOrg } from '../../../network/src/ca';
import { findFabric } from '../../../network/src/fabric-home';
import { networkPaths } from '../../../network/src/paths';
import { findOrg, loadTopology } from '../../../network/src/topology';
import { testIdentity } from '../../unit/audit/support/certs';
import { WALLET_DIR } from './network';

/** An open contract for one caller; `close()` releases its gateway. */
export interface CallerContract {
  readonly contract: Contract;
  readonly channel: string;
  readonly qscc: Contract;
  close(): void;
}

function fromConnection(c: CatalogConnection): CallerContract {
  return {
    contract: c.contract,
    channel: c.network.getName(),
    qscc: c.network.getContract('qscc'),
    close: () => {
      c.close();
    },
  };
}

/** A contract as `identity` / `signer`, through `org`'s gateway peer. */
function rawConnection(org: string, identity: Identity, signer: Signer): CallerContract {
  const profile = loadConnectionProfile(WALLET_DIR, org);
  const client = new grpc.Client(
    profile.peerEndpoint,
    grpc.credentials.createSsl(Buffer.from(profile.tlsRootCert)),
    {
      'grpc.ssl_target_name_override': profile.peerHostAlias,
    },
  );
  const gateway = connect({
    client,
    identity,
    signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  const network = gateway.getNetwork(profile.channel);
  return {
    contract: network.getContract(profile.chaincode),
    channel: profile.channel,
    qscc: network.getContract('qscc'),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/**
 * Enrols `audit/approver-claim` on the auditors' own CA with `catalog.role=approver` (what the
 * auditors' admin could do), once: the wallet keeps it for later runs.
 */
export async function enrolApproverClaim(): Promise<void> {
  const topology = loadTopology();
  const audit = findOrg(topology, 'audit');
  await enrollOrg(
    await findFabric(),
    topology,
    { ...audit, identities: [{ name: 'approver-claim', role: 'approver' }] },
    networkPaths(),
  );
}

/** The contract of a caller of the access matrix (see SPECIAL_CALLERS in ./access-matrix). */
export function callerContract(caller: string): CallerContract {
  if (caller === 'forged/gd-cert-as-nhsa') {
    const dir = path.join(WALLET_DIR, 'guangdong', 'approver');
    const key = createPrivateKey(readFileSync(path.join(dir, 'key.pem')));
    return rawConnection(
      'nhsa',
      { mspId: 'NHSAMSP', credentials: readFileSync(path.join(dir, 'cert.pem')) },
      signers.newPrivateKeySigner(key),
    );
  }
  if (caller === 'forged/own-ca-nhsa') {
    const forged = testIdentity('NHSAMSP', 'approver-forged', {
      attrs: { 'catalog.role': 'approver', 'hf.EnrollmentID': 'approver-forged' },
    });
    return rawConnection(
      'nhsa',
      { mspId: 'NHSAMSP', credentials: Buffer.from(forged.pem) },
      signers.newPrivateKeySigner(forged.privateKey),
    );
  }
  if (caller === 'forged/unknown-msp') {
    const rogue = testIdentity('RogueMSP', 'admin-rogue', {
      attrs: { 'catalog.role': 'admin', 'hf.EnrollmentID': 'admin-rogue' },
    });
    return rawConnection(
      'nhsa',
      { mspId: 'RogueMSP', credentials: Buffer.from(rogue.pem) },
      signers.newPrivateKeySigner(rogue.privateKey),
    );
  }
  return fromConnection(openConnection({ as: caller, walletDir: WALLET_DIR }));
}
