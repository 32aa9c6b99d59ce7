/**
 * The committed contract metadata (`chaincode/metadata.json`, what `GetMetadata` returns) is the API
 * contract with clients. This test regenerates it from the code and fails when it drifts.
 * Regenerate with: UPDATE_METADATA=1 mocha --config test/unit/.mocharc.json test/unit/chaincode/metadata.test.ts
 */
import './support/quiet';
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSONSerializer } from 'fabric-contract-api';
import { contracts } from '@nrdl-catalog/chaincode';
import { schemas } from '@nrdl-catalog/chaincode/model';

type ChaincodeFromContractCtor = new (
  contracts: unknown[],
  serializers: unknown,
  metadata: unknown,
  title: string,
  version: string,
) => { metadata: unknown };

const ChaincodeFromContract =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('fabric-shim/lib/contract-spi/chaincodefromcontract.js') as ChaincodeFromContractCtor;

const file = join(__dirname, '../../../chaincode/metadata.json');
const pkg = JSON.parse(readFileSync(join(__dirname, '../../../chaincode/package.json'), 'utf8')) as {
  name: string;
  version: string;
};

interface Metadata {
  contracts: Record<string, { transactions: { name: string; tag?: string[]; parameters?: unknown[] }[] }>;
}

function generate(): string {
  const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
  const cc = new ChaincodeFromContract([...contracts], serializers, {}, pkg.name, pkg.version);
  return `${JSON.stringify(cc.metadata, null, 2)}\n`;
}

describe('contract metadata', () => {
  it('matches the committed chaincode/metadata.json', () => {
    const generated = generate();
    if (process.env.UPDATE_METADATA === '1') {
      writeFileSync(file, generated);
    }
    const committed = readFileSync(file, 'utf8');
    expect(
      generated,
      'contract metadata drifted: regenerate with UPDATE_METADATA=1 (see this file)',
    ).to.equal(committed);
  });

  it('declares one string argument per transaction, a schema for each, and queries as evaluate-only', () => {
    const meta = JSON.parse(generate()) as Metadata;
    for (const name of ['Catalog', 'Proposal', 'Governance']) {
      const contract = meta.contracts[name];
      expect(contract, name).to.not.equal(undefined);
      for (const t of contract!.transactions) {
        expect(t.parameters, `${name}.${t.name}`).to.have.length(1);
        expect(Object.keys(schemas)).to.include(`${name}.${t.name}`);
      }
    }
    const evaluate = meta.contracts.Catalog!.transactions.map((t) => t.tag);
    evaluate.forEach((tags) => expect(tags).to.include('EVALUATE'));
    const submit = meta.contracts.Proposal!.transactions.find((t) => t.name === 'ApplyChunk');
    expect(submit?.tag).to.include('SUBMIT');
    expect(Object.keys(schemas)).to.have.length(
      ['Catalog', 'Proposal', 'Governance'].reduce((n, c) => n + meta.contracts[c]!.transactions.length, 0),
    );
  });
});
