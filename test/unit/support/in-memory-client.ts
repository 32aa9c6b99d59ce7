/**
 * CatalogClient look-alikes that run the REAL contracts on the in-memory peer of the chaincode
 * tests, for library and CLI tests of workflows (imports, proposals) without a network.
 */
import '../chaincode/support/quiet';
import type { CatalogClient, CatalogClientOptions } from '../../../gateway-client/src/catalog-client';
import { toClientError } from '../../../gateway-client/src/errors';
import type { Caller, Network } from '../chaincode/support/fabric-stub';
import { MSP_OF_ORG } from './members';

/** A CatalogClient look-alike that runs the contracts on the in-memory network as `caller`. */
export function clientOn(net: Network, caller: Caller): CatalogClient {
  const call = async (kind: 'submit' | 'evaluate', name: string, input: unknown): Promise<unknown> => {
    try {
      return kind === 'submit'
        ? await net.submit(caller, name, input)
        : await net.evaluate(caller, name, input);
    } catch (error) {
      throw toClientError(error);
    }
  };
  const submit = async (name: string, input: unknown): Promise<unknown> => ({
    value: await call('submit', name, input),
    transactionId: 'tx',
    blockNumber: 0n,
  });
  const fake = {
    connection: { identity: { mspId: caller.msp } },
    getGovernance: () => call('evaluate', 'Governance:GetGovernance', {}),
    listProposals: (input: unknown) => call('evaluate', 'Proposal:ListProposals', input),
    getProposal: (input: unknown) => call('evaluate', 'Proposal:GetProposal', input),
    getVersion: (input: unknown) => call('evaluate', 'Catalog:GetVersion', input),
    getItem: (input: unknown) => call('evaluate', 'Catalog:GetItem', input),
    getRule: (input: unknown) => call('evaluate', 'Catalog:GetRule', input),
    getPaymentPolicy: (input: unknown) => call('evaluate', 'Catalog:GetPaymentPolicy', input),
    createProposal: (input: unknown) => submit('Proposal:CreateProposal', input),
    addChunk: (input: unknown) => submit('Proposal:AddChunk', input),
    openProposal: (input: unknown) => submit('Proposal:OpenProposal', input),
    approveProposal: (input: unknown) => submit('Proposal:ApproveProposal', input),
    applyChunk: (input: unknown) => submit('Proposal:ApplyChunk', input),
    sealVersion: (input: unknown) => submit('Proposal:SealVersion', input),
    close: (): void => undefined,
  };
  return fake as unknown as CatalogClient;
}

/** The in-memory caller of a wallet identity `<org>/<role>` (e.g. `guangdong/approver`). */
export function callerOf(as: string): Caller {
  const [org = '', role = ''] = as.split('/');
  const msp = MSP_OF_ORG[org];
  if (msp === undefined) throw new Error(`no organisation ${org} in the in-memory network`);
  return { msp, role };
}

/**
 * A client factory for `runCli` / `CommandContext` over the in-memory network: each connect opens
 * a {@link clientOn} for the identity asked for, recorded in `identities`.
 */
export function inMemoryFactory(net: Network): {
  readonly connect: (options: Readonly<CatalogClientOptions>) => CatalogClient;
  readonly identities: string[];
} {
  const identities: string[] = [];
  return {
    identities,
    connect: (options) => {
      identities.push(options.as);
      return clientOn(net, callerOf(options.as));
    },
  };
}
