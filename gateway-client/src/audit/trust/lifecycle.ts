/**
 * Chaincode definitions as `_lifecycle` stores them in its own namespace (Fabric's lifecycle
 * serializer): `namespaces/metadata/<name>` holds a `lifecycle.StateMetadata` whose datatype is
 * `ChaincodeDefinition`, and every field is a `lifecycle.StateData` at
 * `namespaces/fields/<name>/<Field>`; `ValidationInfo` is a `ChaincodeValidationInfo` whose
 * validation parameter is the `ApplicationPolicy` endorsements of the chaincode must satisfy.
 */
import { peer } from '@hyperledger/fabric-protos';
import type { StateEntry } from './state-view';

/** The `_lifecycle` namespace. */
export const LIFECYCLE_NAMESPACE = '_lifecycle';

/** Config policy that writes to `_lifecycle` must satisfy (when the channel defines it). */
export const LIFECYCLE_ENDORSEMENT_POLICY = '/Channel/Application/LifecycleEndorsement';

/** Reads one key of the `_lifecycle` namespace (as committed). */
export type LifecycleReader = (key: string) => StateEntry | null;

/** A chaincode's validation info. */
export interface ChaincodeValidation {
  readonly sequence: number;
  /** Validation plugin, `vscc` for the built-in one. */
  readonly plugin: string;
  /** `ApplicationPolicy` bytes. */
  readonly parameter: Uint8Array;
}

/** Outcome of a definition lookup. */
export type DefinitionLookup =
  | { readonly kind: 'defined'; readonly validation: ChaincodeValidation }
  | { readonly kind: 'undefined' }
  | { readonly kind: 'invalid'; readonly reason: string };

function stateData(read: LifecycleReader, name: string, field: string): peer.lifecycle.StateData | null {
  const entry = read(`namespaces/fields/${name}/${field}`);
  return entry === null ? null : peer.lifecycle.StateData.deserializeBinary(entry.value);
}

/** The committed definition of chaincode `name`, if any. */
export function chaincodeDefinition(read: LifecycleReader, name: string): DefinitionLookup {
  const metadataEntry = read(`namespaces/metadata/${name}`);
  if (metadataEntry === null) {
    return { kind: 'undefined' };
  }
  try {
    const metadata = peer.lifecycle.StateMetadata.deserializeBinary(metadataEntry.value);
    if (metadata.getDatatype() !== 'ChaincodeDefinition') {
      return { kind: 'invalid', reason: `not a chaincode type: ${metadata.getDatatype()}` };
    }
    const sequence = stateData(read, name, 'Sequence')?.getInt64() ?? 0;
    const data = stateData(read, name, 'ValidationInfo');
    const info = peer.lifecycle.ChaincodeValidationInfo.deserializeBinary(
      data?.getBytes_asU8() ?? new Uint8Array(),
    );
    return {
      kind: 'defined',
      validation: {
        sequence,
        plugin: info.getValidationPlugin(),
        parameter: info.getValidationParameter_asU8(),
      },
    };
  } catch (error) {
    return { kind: 'invalid', reason: `undecodable chaincode definition: ${(error as Error).message}` };
  }
}
