/**
 * Re-executes recorded catalog transactions with the released contract code, through fabric-shim's
 * own contract dispatch (`ChaincodeFromContract.Invoke`), exactly as `fabric-chaincode-node start`
 * serves them on a peer: same contract classes, serializers, metadata, argument marshalling,
 * `ClientIdentity` and error-to-response mapping. Only the peer is replaced, by a {@link ReplayStub}
 * over the auditors' replayed state.
 *
 * The dispatcher is built once per {@link Reexecutor} and reused for every transaction.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ChaincodeResponse } from 'fabric-shim';
import type { StateView } from '../trust/state-view';
import {
  ReplayStub,
  type LongFactory,
  type ReplayEvent,
  type ReplayMetadataWrite,
  type ReplayStubOptions,
  type ReplayWrite,
} from './replay-stub';

/** The transaction to re-execute: identity, inputs and the state just before it. */
export interface ReexecutionInput {
  readonly txId: string;
  readonly channelId: string;
  readonly timestamp: { readonly seconds: bigint | number; readonly nanos: number };
  /** `msp.SerializedIdentity` bytes of the submitter. */
  readonly creator: Uint8Array;
  /** ChaincodeInput args, function first (e.g. `Proposal:ApplyChunk`). */
  readonly args: readonly Uint8Array[];
  readonly state: StateView;
  /** Signature header nonce, when known. */
  readonly nonce?: Uint8Array;
}

/** What the released code produced for the transaction. */
export interface ReexecutionResult {
  /** Chaincode response status (200 success; >= 400 an endorser would refuse to endorse). */
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  /** Writes sorted by key (UTF-8 byte order), as in a read/write set. */
  readonly writes: readonly ReplayWrite[];
  /** Key-level metadata writes sorted by key. */
  readonly metadataWrites: readonly ReplayMetadataWrite[];
  readonly event: ReplayEvent | null;
}

/** Serializer configuration as fabric-shim's bootstrap builds it. */
export interface ChaincodeSerializers {
  readonly transaction: string;
  readonly serializers: Record<string, unknown>;
}

/** The chaincode to dispatch to: what `fabric-chaincode-node start` reads from the package. */
export interface ChaincodeCode {
  /** Contract classes (the module's `contracts` export). */
  readonly contracts: readonly unknown[];
  /** Default: `{ transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } }`. */
  readonly serializers?: ChaincodeSerializers;
  /** Contract metadata file contents (`META-INF/metadata.json`); default `{}` (introspection). */
  readonly metadata?: Record<string, unknown>;
  /** package.json name and version. */
  readonly title: string;
  readonly version: string;
}

/** Options of a {@link Reexecutor}. */
export interface ReexecutorOptions extends ReplayStubOptions {
  /**
   * A file or directory from which `fabric-shim` and `fabric-contract-api` are resolved (they must
   * be the instances the contract classes were decorated with). Default: the chaincode package
   * directory when loading from one, else this module's own resolution.
   */
  readonly resolveFrom?: string;
  /** Silence fabric-shim / fabric-contract-api logging (process-wide). Default true. */
  readonly quiet?: boolean;
}

interface Dispatcher {
  Invoke(stub: ReplayStub): Promise<ChaincodeResponse>;
}

type DispatcherCtor = new (
  contracts: unknown[],
  serializers: ChaincodeSerializers,
  metadata: Record<string, unknown>,
  title: string,
  version: string,
) => Dispatcher;

interface WinstonLike {
  transports: { silent?: boolean }[];
}

interface BootstrapLike {
  getInfoFromContract(modulePath: string): {
    contracts: unknown[];
    serializers: ChaincodeSerializers;
    title: string;
    version: string;
  };
  getMetadata(modulePath: string): Promise<Record<string, unknown>>;
}

/** The fabric-shim pieces used, resolved from one place. */
interface Runtime {
  readonly Dispatcher: DispatcherCtor;
  readonly JSONSerializer: unknown;
  readonly long: LongFactory;
  readonly bootstrap: () => BootstrapLike;
}

function requireFrom(from: string | undefined): NodeJS.Require {
  if (from === undefined) {
    return require;
  }
  const target = path.resolve(from);
  // createRequire wants a file name; for a directory, resolve as a module inside it would.
  return createRequire(
    existsSync(target) && statSync(target).isDirectory() ? path.join(target, 'index.js') : target,
  );
}

/** Silences the shared console transport of both fabric loggers (every logger of each module uses it). */
function quietLogging(req: NodeJS.Require): void {
  for (const mod of ['fabric-contract-api/lib/logger.js', 'fabric-shim/lib/logger.js']) {
    const logger = (req(mod) as { getLogger(name: string): WinstonLike }).getLogger('reexecute');
    for (const transport of logger.transports) {
      transport.silent = true;
    }
  }
}

function loadRuntime(from: string | undefined, quiet: boolean): Runtime {
  const req = requireFrom(from);
  if (quiet) {
    quietLogging(req);
  }
  const shimRequire = createRequire(req.resolve('fabric-shim/package.json'));
  return {
    Dispatcher: req('fabric-shim/lib/contract-spi/chaincodefromcontract.js') as DispatcherCtor,
    JSONSerializer: (req('fabric-contract-api') as { JSONSerializer: unknown }).JSONSerializer,
    long: shimRequire('long') as LongFactory,
    bootstrap: () => req('fabric-shim/lib/contract-spi/bootstrap.js') as BootstrapLike,
  };
}

/** The chaincode package directory of the build in this workspace (`@nrdl-catalog/chaincode`). */
export function defaultChaincodeDir(): string {
  return path.dirname(require.resolve('@nrdl-catalog/chaincode/package.json'));
}

/** Thrown when the chaincode build to re-execute with is missing or unusable. */
export class ChaincodeBuildError extends Error {
  public override readonly name = 'ChaincodeBuildError';
}

/** Checks that a chaincode package directory has its compiled entry point; returns the main file. */
export function requireBuiltChaincode(chaincodeDir: string): string {
  const pkgFile = path.join(chaincodeDir, 'package.json');
  if (!existsSync(pkgFile)) {
    throw new ChaincodeBuildError(`no chaincode package at ${chaincodeDir} (package.json missing)`);
  }
  if (!existsSync(path.join(chaincodeDir, 'dist'))) {
    throw new ChaincodeBuildError(
      `chaincode build missing: ${path.join(chaincodeDir, 'dist')} does not exist; ` +
        'build it (npm run build -w chaincode) from the released sources before re-executing',
    );
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { main?: string };
  if (pkg.main === undefined) {
    throw new ChaincodeBuildError(`${pkgFile} has no "main" entry`);
  }
  const main = path.resolve(chaincodeDir, pkg.main);
  if (!existsSync(main)) {
    throw new ChaincodeBuildError(`chaincode build incomplete: ${main} (package.json "main") does not exist`);
  }
  return main;
}

/** Re-executes transactions with one chaincode build. */
export class Reexecutor {
  readonly #dispatcher: Dispatcher;
  readonly #stubOptions: ReplayStubOptions;
  /** package.json name and version of the code. */
  public readonly title: string;
  public readonly version: string;

  /**
   * Builds the dispatcher for contract classes given directly (e.g. in tests, or an already loaded
   * module). Prefer {@link Reexecutor.fromChaincodeDir} for the released build.
   */
  public constructor(code: ChaincodeCode, options: ReexecutorOptions = {}) {
    const runtime = loadRuntime(options.resolveFrom, options.quiet ?? true);
    const serializers = code.serializers ?? {
      transaction: 'jsonSerializer',
      serializers: { jsonSerializer: runtime.JSONSerializer },
    };
    // ChaincodeFromContract appends its system contract to the array and augments the metadata.
    const metadata = JSON.parse(JSON.stringify(code.metadata ?? {})) as Record<string, unknown>;
    this.#dispatcher = new runtime.Dispatcher(
      [...code.contracts],
      serializers,
      metadata,
      code.title,
      code.version,
    );
    this.#stubOptions = {
      long: options.long ?? runtime.long,
      ...(options.peerMspId === undefined ? {} : { peerMspId: options.peerMspId }),
      ...(options.totalQueryLimit === undefined ? {} : { totalQueryLimit: options.totalQueryLimit }),
    };
    this.title = code.title;
    this.version = code.version;
  }

  /**
   * Loads a chaincode package directory the way `fabric-chaincode-node start --module-path <dir>`
   * does (fabric-shim's own bootstrap: package.json `main`, its `contracts` and `serializers`
   * exports, `META-INF/metadata.json` or `contract-metadata/metadata.json` when present), with
   * fabric-shim resolved from that directory.
   */
  public static async fromChaincodeDir(
    chaincodeDir: string = defaultChaincodeDir(),
    options: ReexecutorOptions = {},
  ): Promise<Reexecutor> {
    const dir = path.resolve(chaincodeDir);
    requireBuiltChaincode(dir);
    const from = options.resolveFrom ?? dir;
    const runtime = loadRuntime(from, options.quiet ?? true);
    const bootstrap = runtime.bootstrap();
    const info = bootstrap.getInfoFromContract(dir);
    const metadata = await bootstrap.getMetadata(dir);
    return new Reexecutor(
      {
        contracts: info.contracts,
        serializers: info.serializers,
        metadata,
        title: info.title,
        version: info.version,
      },
      { ...options, resolveFrom: from },
    );
  }

  /** Runs one transaction and returns the response and what it wrote. */
  public async reexecute(input: ReexecutionInput): Promise<ReexecutionResult> {
    let stub: ReplayStub;
    try {
      stub = new ReplayStub(input, this.#stubOptions);
    } catch (error) {
      // A peer would not have run the chaincode at all (e.g. an undecodable creator).
      return {
        status: 500,
        message: error instanceof Error ? error.message : String(error),
        payload: new Uint8Array(0),
        writes: [],
        metadataWrites: [],
        event: null,
      };
    }
    let response: ChaincodeResponse;
    try {
      response = await this.#dispatcher.Invoke(stub);
    } catch (error) {
      response = { status: 500, message: error instanceof Error ? error.message : String(error) };
    }
    return {
      status: response.status,
      message: response.message ?? '',
      payload: response.payload === undefined ? new Uint8Array(0) : Uint8Array.from(response.payload),
      writes: stub.writes(),
      metadataWrites: stub.metadataWrites(),
      event: stub.event(),
    };
  }
}
