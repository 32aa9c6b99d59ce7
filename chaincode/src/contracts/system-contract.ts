import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../lib/canonical-json';
import { raise } from '../lib/errors';
import { unsatisfiablePolicy } from '../lib/sbe';

/** Longest message a ping may carry: room for a catalog item record's size, so a ping is the benchmark's PutState floor. */
export const MAX_PING_MESSAGE = 4096;

/** Longest MSP id or transaction id a ping key may have (longer ones name no ping). */
const MAX_PING_KEY_PART = 256;

/** At most 64 characters of `text` (whole code points), `…` when cut. */
function shortened(text: string): string {
  const chars = Array.from(text);
  return chars.length > 64 ? `${chars.slice(0, 64).join('')}…` : text;
}

/** Who called, as the chaincode sees it: MSP, certificate subject and the `catalog.role` attribute. */
export interface CallerInfo {
  readonly mspId: string;
  readonly subject: string;
  readonly role: string | null;
  readonly txId: string;
  readonly timestamp: string;
}

/**
 * Diagnostics: `WhoAmI` (evaluate, anyone) and `Ping` (submit, an organisation's admin only; writes
 * one immutable per-caller key and emits a `Ping` event). Used by the network's end-to-end test and by operators
 * to check that a peer, its chaincode and an identity work together.
 */
@Info({ title: 'System', description: 'Network diagnostics' })
export class SystemContract extends Contract {
  public constructor() {
    super('System');
  }

  /** Returns the caller as seen by the chaincode. */
  @Transaction(false)
  @Returns('string')
  public WhoAmI(ctx: Context): Promise<string> {
    return Promise.resolve(canonicalJson(callerInfo(ctx)));
  }

  /** Reads a ping recorded by {@link SystemContract.Ping}; throws `NOT_FOUND` for an unknown key. */
  @Transaction(false)
  @Returns('string')
  public async GetPing(ctx: Context, mspId: string, txId: string): Promise<string> {
    // The refusal quotes the parts cut short: it travels back in gRPC trailers, which have a size limit.
    const notFound = (): never => raise('NOT_FOUND.ping', { mspId: shortened(mspId), txId: shortened(txId) });
    // An empty part names no ping (and fabric-shim refuses it as a composite-key attribute, uncoded).
    if (mspId === '' || txId === '' || mspId.length > MAX_PING_KEY_PART || txId.length > MAX_PING_KEY_PART) {
      notFound();
    }
    const key = ctx.stub.createCompositeKey('ping', [mspId, txId]);
    const bytes = await ctx.stub.getState(key);
    if (bytes.length === 0) {
      notFound();
    }
    return Buffer.from(bytes).toString('utf8');
  }

  /** Records a ping under the caller's MSP and emits a `Ping` event carrying the key written. */
  @Transaction()
  @Returns('string')
  public async Ping(ctx: Context, message: string): Promise<string> {
    const caller = callerInfo(ctx);
    if (caller.role === null) {
      raise('FORBIDDEN_ROLE.noRole', { roles: ['admin'] });
    }
    if (caller.role !== 'admin') {
      raise('FORBIDDEN_ROLE', { role: caller.role, roles: ['admin'] });
    }
    if (typeof message !== 'string' || message.length === 0 || message.length > MAX_PING_MESSAGE) {
      raise('INVALID_INPUT.pingMessage', { max: MAX_PING_MESSAGE });
    }
    const key = ctx.stub.createCompositeKey('ping', [caller.mspId, caller.txId]);
    const record = { ...caller, message };
    await ctx.stub.putState(key, Buffer.from(canonicalJson(record)));
    // A ping record never changes: its key gets a policy no endorser set satisfies.
    await ctx.stub.setStateValidationParameter(key, unsatisfiablePolicy([caller.mspId]));
    ctx.stub.setEvent('Ping', Buffer.from(canonicalJson({ key, mspId: caller.mspId, txId: caller.txId })));
    return canonicalJson(record);
  }
}

function callerInfo(ctx: Context): CallerInfo {
  const ts = ctx.stub.getTxTimestamp();
  const millis = Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1_000_000);
  return {
    mspId: ctx.clientIdentity.getMSPID(),
    subject: ctx.clientIdentity.getID(),
    role: ctx.clientIdentity.getAttributeValue('catalog.role'),
    txId: ctx.stub.getTxID(),
    timestamp: new Date(millis).toISOString(),
  };
}
