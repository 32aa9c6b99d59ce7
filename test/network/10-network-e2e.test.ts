import { expect } from 'chai';
import { common, peer } from '@hyperledger/fabric-protos';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listenCatalogEvents, openConnection, type CatalogConnection } from '../../gateway-client/src';
import { ensureNetwork, WALLET_DIR } from './support/network';

interface PingRecord {
  mspId: string;
  role: string | null;
  subject: string;
  txId: string;
  message: string;
  timestamp: string;
}

const decoder = new TextDecoder();

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- typed JSON decode helper
function parse<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

/** Finds the validation code of `txId` inside a block, from the block's transaction filter. */
function validationCodeOf(block: common.Block, txId: string): number | undefined {
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  for (const [index, bytes] of envelopes.entries()) {
    const envelope = common.Envelope.deserializeBinary(bytes);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    if (header.getTxId() === txId) return filter?.[index];
  }
  return undefined;
}

describe('real network: gateway end to end', function () {
  const open: CatalogConnection[] = [];
  const connect = (as: string): CatalogConnection => {
    const connection = openConnection({ as, walletDir: WALLET_DIR });
    open.push(connection);
    return connection;
  };

  before(async function () {
    await ensureNetwork();
  });

  after(function () {
    for (const connection of open) connection.close();
  });

  it('submits as Guangdong, reads as Sichuan and the auditor, gets the event and a VALID block', async function () {
    const guangdong = connect('guangdong/admin');
    const message = `e2e ${process.pid} ${Date.now()}`;
    const submitted = await guangdong.contract.submitAsync('System:Ping', { arguments: [message] });
    const written = parse<PingRecord>(submitted.getResult());
    const status = await submitted.getStatus();
    expect(status.successful, `commit status ${status.code}`).to.equal(true);
    expect(written.mspId).to.equal('GuangdongMSP');
    expect(written.role, 'catalog.role attribute read inside the chaincode').to.equal('admin');
    expect(written.txId).to.equal(submitted.getTransactionId());

    for (const as of ['sichuan/hospital1', 'audit/auditor']) {
      const reader = connect(as);
      const read = parse<PingRecord>(
        await reader.contract.evaluate('System:GetPing', { arguments: ['GuangdongMSP', written.txId] }),
      );
      expect(read, `read as ${as}`).to.deep.equal(written);
      const me = parse<{ role: string }>(await reader.contract.evaluateTransaction('System:WhoAmI'));
      expect(me.role).to.equal(as.startsWith('audit') ? 'auditor' : 'hospital');
    }

    const events = await guangdong.network.getChaincodeEvents('catalog', { startBlock: status.blockNumber });
    try {
      for await (const event of events) {
        if (event.transactionId !== written.txId) continue;
        expect(event.eventName).to.equal('Ping');
        expect(parse<{ mspId: string; txId: string }>(event.payload)).to.include({
          mspId: 'GuangdongMSP',
          txId: written.txId,
        });
        break;
      }
    } finally {
      events.close();
    }

    const auditor = connect('audit/auditor');
    const qscc = auditor.network.getContract('qscc');
    const blockBytes = await qscc.evaluateTransaction('GetBlockByTxID', 'catalog', written.txId);
    const block = common.Block.deserializeBinary(blockBytes);
    expect(block.getHeader()?.getNumber()).to.equal(Number(status.blockNumber));
    expect(validationCodeOf(block, written.txId)).to.equal(peer.TxValidationCode.VALID);
  });

  it('delivers chaincode events to a checkpointed listener once each, resuming after a restart', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-events-'));
    const checkpointFile = path.join(dir, 'checkpoint.json');
    const guangdong = connect('guangdong/admin');
    const auditor = connect('audit/auditor');
    try {
      const first = await guangdong.contract.submitAsync('System:Ping', { arguments: ['listener 1'] });
      const startBlock = (await first.getStatus()).blockNumber;
      const seen: string[] = [];
      const listenUntil = async (txId: string): Promise<void> => {
        const abort = new AbortController();
        await listenCatalogEvents(
          auditor.network,
          (event) => {
            seen.push(event.transactionId);
            if (event.transactionId === txId) abort.abort();
          },
          { checkpointFile, startBlock, signal: abort.signal },
        );
      };
      await listenUntil(first.getTransactionId());
      const second = await guangdong.contract.submitAsync('System:Ping', { arguments: ['listener 2'] });
      await second.getStatus();
      await listenUntil(second.getTransactionId());
      expect(
        seen.filter((id) => id === first.getTransactionId()),
        'first event once',
      ).to.have.length(1);
      expect(seen.at(-1)).to.equal(second.getTransactionId());
      expect(new Set(seen).size, 'no duplicates').to.equal(seen.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a GetPing for a key that does not exist with a coded error', async function () {
    const sichuan = connect('sichuan/hospital1');
    try {
      await sichuan.contract.evaluate('System:GetPing', { arguments: ['GuangdongMSP', 'no-such-tx'] });
      expect.fail('evaluate should have failed');
    } catch (error) {
      expect((error as Error).message).to.match(/NOT_FOUND: no ping GuangdongMSP\/no-such-tx/);
    }
  });
});
