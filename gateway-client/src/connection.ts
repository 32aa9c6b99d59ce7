import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Contract, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import { displayPath, fsReason } from './display-path';
import { IdentityError, loadWalletIdentity, parseIdentityRef, type WalletIdentity } from './identity';

/**
 * What a client needs to reach an organisation's gateway peer: written by the network scripts for
 * each organisation as `wallet/<org>/connection.json`.
 */
export interface ConnectionProfile {
  readonly org: string;
  readonly mspId: string;
  readonly peerEndpoint: string;
  readonly peerHostAlias: string;
  readonly tlsRootCert: string;
  readonly channel: string;
  readonly chaincode: string;
}

/** Options of {@link openConnection}. */
export interface ConnectionOptions {
  /** The wallet folder (default `wallet/` at the repository root). */
  readonly walletDir: string;
  /** `<org>/<identity>`, e.g. `guangdong/hospital1`. */
  readonly as: string;
  /** Channel to use instead of the connection profile's (e.g. a second channel on the same peers). */
  readonly channel?: string;
  /** Deadlines in milliseconds for evaluate, endorse, submit and commit status. */
  readonly deadlines?: Readonly<{
    evaluate?: number;
    endorse?: number;
    submit?: number;
    commitStatus?: number;
  }>;
}

/** An open gateway connection; `close()` releases the gateway and its gRPC channel. */
export interface CatalogConnection {
  readonly identity: WalletIdentity;
  readonly profile: ConnectionProfile;
  readonly gateway: Gateway;
  readonly network: Network;
  readonly contract: Contract;
  close(): void;
}

/** Reads `wallet/<org>/connection.json`; a missing or broken file is an {@link IdentityError}. */
export function loadConnectionProfile(walletDir: string, org: string): ConnectionProfile {
  const file = path.join(walletDir, org, 'connection.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new IdentityError(
      `no connection profile for ${org} (${displayPath(file)}: ${fsReason(error)}); is the network up?`,
    );
  }
  try {
    return JSON.parse(text) as ConnectionProfile;
  } catch {
    throw new IdentityError(`the connection profile of ${org} (${displayPath(file)}) is not valid JSON`);
  }
}

/** Opens a Fabric Gateway connection to the caller's own organisation's peer, as a wallet identity. */
export function openConnection(options: ConnectionOptions): CatalogConnection {
  const walletDir = options.walletDir;
  const ref = parseIdentityRef(options.as);
  const identity = loadWalletIdentity(walletDir, ref);
  const profile = loadConnectionProfile(walletDir, ref.org);
  const client = new grpc.Client(
    profile.peerEndpoint,
    grpc.credentials.createSsl(Buffer.from(profile.tlsRootCert)),
    {
      'grpc.ssl_target_name_override': profile.peerHostAlias,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    },
  );
  const deadlines = options.deadlines ?? {};
  const gateway = connect({
    client,
    identity: identity.identity,
    signer: identity.signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + (deadlines.evaluate ?? 30_000) }),
    endorseOptions: () => ({ deadline: Date.now() + (deadlines.endorse ?? 60_000) }),
    submitOptions: () => ({ deadline: Date.now() + (deadlines.submit ?? 30_000) }),
    commitStatusOptions: () => ({ deadline: Date.now() + (deadlines.commitStatus ?? 120_000) }),
  });
  const network = gateway.getNetwork(options.channel ?? profile.channel);
  return {
    identity,
    profile,
    gateway,
    network,
    contract: network.getContract(profile.chaincode),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
