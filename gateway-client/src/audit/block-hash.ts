/**
 * Fabric block hashes: the header hash that the next block's `previous_hash` names, and the data
 * hash over the block's envelopes (as `protoutil.BlockHeaderHash` / `ComputeBlockDataHash` compute them).
 */
import { createHash } from 'node:crypto';
import { derElement, derUnsignedInteger } from './der';

/** The ASN.1 DER bytes of a block header: SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }. */
export function blockHeaderBytes(
  number: bigint | number,
  previousHash: Uint8Array,
  dataHash: Uint8Array,
): Buffer {
  return derElement(
    0x30,
    Buffer.concat([
      derUnsignedInteger(BigInt(number)),
      derElement(0x04, previousHash),
      derElement(0x04, dataHash),
    ]),
  );
}

/** SHA-256 of {@link blockHeaderBytes}: the hash the next block links to. */
export function blockHeaderHash(
  number: bigint | number,
  previousHash: Uint8Array,
  dataHash: Uint8Array,
): Buffer {
  return createHash('sha256')
    .update(blockHeaderBytes(number, previousHash, dataHash))
    .digest();
}

/** SHA-256 over the concatenated envelopes of a block's data. */
export function blockDataHash(envelopes: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const envelope of envelopes) {
    hash.update(envelope);
  }
  return hash.digest();
}
