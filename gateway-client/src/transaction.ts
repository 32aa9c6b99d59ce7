import { EndorseError, GatewayError, type Contract } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { errorCodeOf } from '@nrdl-catalog/chaincode/model';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionError, toClientError, validationCodeName } from './errors';

/** How submits are retried. */
export interface RetryPolicy {
  /** Attempts in all for MVCC / phantom read conflicts, each with a fresh transaction (default 4). */
  readonly maxAttempts?: number;
  /** First back-off in milliseconds, doubled each attempt (default 200). */
  readonly backoffMs?: number;
  /** How long to keep asking for the commit status of the same transaction id (default 120 s). */
  readonly commitWaitMs?: number;
  /**
   * How long to retry an endorsement the gateway cannot plan yet ("no combination of peers"), as
   * happens for a few seconds after the network starts or a peer restarts, until gossip has told
   * the gateway's discovery about the other organisations' peers (default 30 s).
   */
  readonly discoveryWaitMs?: number;
  /**
   * The caller's own organisation. When an endorsement is refused only by other organisations'
   * peers — the caller's own peer, which has committed everything the caller waited for, agreed —
   * another peer is most likely a block behind (it has not seen the vote or chunk just committed),
   * and the same proposal is endorsed again after a short wait (twice at most, 0.5 s then 1 s).
   * The same holds, whichever peers refused, for a refusal saying only that a proposal has not yet
   * reached the step asked for ({@link PROGRESS_CODES}): the step before it may have been committed
   * through another organisation's gateway, whose block the caller's own peer has not yet committed.
   */
  readonly localMspId?: string;
  /**
   * The caller's gateway peer, named when it cannot be reached (see {@link unreachablePeers});
   * `CatalogClient` sets it from the connection profile.
   */
  readonly gatewayEndpoint?: string;
  /**
   * How long to retry a peer that cannot be reached (gRPC UNAVAILABLE: the caller's gateway peer is
   * down, or the gateway could not reach an endorsing organisation's peer) before giving up with
   * `PEER_UNAVAILABLE`, which names the organisation (default 20 s; back-off 0.5 s doubling to 4 s).
   * Also bounds how long a commit status is asked for from a gateway peer that is down.
   */
  readonly unavailableWaitMs?: number;
}

/** Default of {@link RetryPolicy.unavailableWaitMs}. */
export const DEFAULT_UNAVAILABLE_WAIT_MS = 20_000;

const ABORTED = 10;

/**
 * An endorsement refused by other organisations' peers only: every endorse error detail names an
 * MSP other than `localMspId` (the gateway endorses on its own organisation's peer first).
 */
export function isRemoteRefusal(error: unknown, localMspId: string | undefined): boolean {
  return (
    localMspId !== undefined &&
    error instanceof EndorseError &&
    error.code === ABORTED &&
    error.details.length > 0 &&
    error.details.every((detail) => detail.mspId !== localMspId)
  );
}

/**
 * Refusals that mean "the proposal is not at that step yet": the vote that completes the quorum, or
 * the chunk, open or apply before, may be in a block the endorsing peers have not yet committed.
 */
export const PROGRESS_CODES: ReadonlySet<string> = new Set(['QUORUM_NOT_MET', 'PROPOSAL_STATE']);

/**
 * An endorsement refused, by any peers, only with {@link PROGRESS_CODES}: endorsed again after a
 * short wait like a remote refusal (a genuine refusal comes back the same, 1.5 s later).
 */
export function isProgressRefusal(error: unknown): boolean {
  return (
    error instanceof EndorseError &&
    error.code === ABORTED &&
    error.details.length > 0 &&
    error.details.every((detail) => PROGRESS_CODES.has(errorCodeOf(detail.message) ?? ''))
  );
}

const FAILED_PRECONDITION = 9;

/** Texts of a peer that could not be reached, as the gateway reports a failed endorser. */
const UNREACHABLE =
  /unavailable|connection refused|ECONNREFUSED|failed to connect|no connection|connection (?:is )?(?:closed|dropped|reset)|transport is closing|context deadline exceeded/i;

/** The unreachable peers an error names: their organisations and addresses. */
export interface UnreachablePeers {
  readonly orgs: readonly string[];
  readonly endpoints: readonly string[];
}

/**
 * The peers a gateway error says could not be reached, or null when it says something else. A gRPC
 * UNAVAILABLE without details is the caller's own gateway peer (`localMspId` at `gatewayEndpoint`);
 * an endorse error whose every detail is a peer that could not be reached names those peers'
 * organisations (the gateway tried them and no other peer could stand in).
 */
export function unreachablePeers(
  error: unknown,
  localMspId: string | undefined,
  gatewayEndpoint: string | undefined,
): UnreachablePeers | null {
  if (!(error instanceof GatewayError)) return null;
  if (error.code === UNAVAILABLE && error.details.length === 0) {
    return {
      orgs: [localMspId ?? 'the caller'],
      endpoints: [gatewayEndpoint ?? 'its gateway'],
    };
  }
  if (
    error instanceof EndorseError &&
    error.details.length > 0 &&
    error.details.every((detail) => UNREACHABLE.test(detail.message) && errorCodeOf(detail.message) === null)
  ) {
    return {
      orgs: [...new Set(error.details.map((detail) => detail.mspId))],
      endpoints: [...new Set(error.details.map((detail) => detail.address))],
    };
  }
  return null;
}

/** The `PEER_UNAVAILABLE` error for peers that stayed unreachable. */
function peerUnavailable(
  peers: UnreachablePeers,
  template: 'PEER_UNAVAILABLE' | 'PEER_UNAVAILABLE.evaluate' | 'PEER_UNAVAILABLE.commitStatus',
  facts: { transaction: string; transactionId?: string; attempts: number; ms: number; cause: unknown },
): TransactionError {
  const detail = (facts.cause instanceof Error ? facts.cause.message : String(facts.cause)).slice(0, 300);
  const params = {
    orgs: peers.orgs.join(', '),
    endpoints: peers.endpoints.join(', '),
    transaction: facts.transaction,
    txId: facts.transactionId ?? '-',
    attempts: facts.attempts,
    seconds: Number((facts.ms / 1000).toFixed(1)),
    detail,
  };
  const text =
    template === 'PEER_UNAVAILABLE'
      ? `the peer of ${params.orgs} cannot be reached (${params.endpoints}): ${params.transaction} needs its endorsement; gave up after ${params.attempts} attempts in ${params.seconds} s, nothing was submitted (${detail})`
      : template === 'PEER_UNAVAILABLE.evaluate'
        ? `the gateway peer of ${params.orgs} cannot be reached (${params.endpoints}): ${params.transaction} got no answer after ${params.attempts} attempts in ${params.seconds} s (${detail})`
        : `the gateway peer of ${params.orgs} cannot be reached (${params.endpoints}) to say whether transaction ${params.txId} committed; gave up after ${params.seconds} s: run the step again when the peer is back, a re-run finds what committed (${detail})`;
  return new TransactionError('PEER_UNAVAILABLE', text, {
    ...(facts.transactionId === undefined ? {} : { transactionId: facts.transactionId }),
    cause: facts.cause,
    template,
    params,
  });
}

/**
 * Runs a read (`evaluate`) again while its gateway peer cannot be reached, for at most
 * `unavailableWaitMs`; then `PEER_UNAVAILABLE` naming the organisation. Other errors pass through.
 */
export async function evaluateWhenReachable<T>(
  transaction: string,
  read: () => Promise<T>,
  policy: RetryPolicy = {},
): Promise<T> {
  const waitMs = policy.unavailableWaitMs ?? DEFAULT_UNAVAILABLE_WAIT_MS;
  const started = Date.now();
  for (let attempt = 1, delay = 500; ; attempt += 1, delay = Math.min(delay * 2, 4000)) {
    try {
      return await read();
    } catch (error) {
      const peers = unreachablePeers(error, policy.localMspId, policy.gatewayEndpoint);
      if (peers === null) throw error;
      if (Date.now() + delay - started > waitMs) {
        throw peerUnavailable(peers, 'PEER_UNAVAILABLE.evaluate', {
          transaction,
          attempts: attempt,
          ms: Date.now() - started,
          cause: error,
        });
      }
      await sleep(delay);
    }
  }
}

/** The gateway could not (yet) find peers that satisfy the endorsement policy. */
export function isUnplannable(error: unknown): boolean {
  return (
    error instanceof EndorseError &&
    error.code === FAILED_PRECONDITION &&
    /no combination of peers|no peer combination/i.test(error.message)
  );
}

/** A committed transaction's result. */
export interface SubmitResult {
  readonly result: Uint8Array;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** 1 when the first attempt committed; more after read-conflict retries. */
  readonly attempts: number;
}

const RETRYABLE = new Set<number>([
  peer.TxValidationCode.MVCC_READ_CONFLICT,
  peer.TxValidationCode.PHANTOM_READ_CONFLICT,
]);
const DEADLINE_EXCEEDED = 4;
/** What a commit-status call ends with when its own gRPC deadline passes (fabric-gateway cancels it). */
const CANCELLED = 1;
const UNAVAILABLE = 14;

/**
 * Endorses, submits and waits for the commit of one transaction. A commit-status timeout is answered
 * by asking again for the status of the same transaction id (never a blind resubmit); an
 * MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT at validation is retried with a fresh transaction,
 * up to `maxAttempts`; an ENDORSEMENT_POLICY_FAILURE once (a concurrent transaction may have just
 * set the key-level policy the endorsement was planned without). Other failures become typed {@link TransactionError}s / chaincode errors.
 */
export async function submitWithRetry(
  contract: Contract,
  transactionName: string,
  args: readonly string[],
  policy: RetryPolicy = {},
): Promise<SubmitResult> {
  const maxAttempts = policy.maxAttempts ?? 4;
  const backoffMs = policy.backoffMs ?? 200;
  for (let attempt = 1; ; attempt += 1) {
    const proposal = contract.newProposal(transactionName, { arguments: [...args] });
    const transactionId = proposal.getTransactionId();
    let status: {
      code: peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap];
      blockNumber: bigint;
      successful: boolean;
    };
    let result: Uint8Array;
    try {
      const transaction = await endorseWhenPlannable(proposal, transactionName, policy);
      result = transaction.getResult();
      const commit = await transaction.submit().catch((error: unknown) => {
        // the caller's own gateway peer went away during Submit: whether the orderers got the
        // transaction is unknown (a refusal by the orderers comes with their details instead)
        const peers = unreachablePeers(error, policy.localMspId, policy.gatewayEndpoint);
        if (peers === null) throw error;
        throw peerUnavailable(peers, 'PEER_UNAVAILABLE.commitStatus', {
          transaction: transactionName,
          transactionId,
          attempts: 1,
          ms: 0,
          cause: error,
        });
      });
      status = await waitForStatus(() => commit.getStatus(), transactionId, policy);
    } catch (error) {
      throw toClientError(error, transactionId);
    }
    if (status.successful) {
      return { result, transactionId, blockNumber: status.blockNumber, attempts: attempt };
    }
    const name = validationCodeName(status.code);
    // A key-level policy created by a concurrent transaction can invalidate an endorsement that was
    // right when simulated; one fresh attempt then meets the new policy (or gets the coded conflict).
    const policyRace = status.code === peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE && attempt === 1;
    if ((!RETRYABLE.has(status.code) && !policyRace) || attempt >= maxAttempts) {
      throw new TransactionError(name, `transaction ${transactionId} committed as invalid (${name})`, {
        transactionId,
        blockNumber: status.blockNumber,
      });
    }
    await sleep(backoffMs * 2 ** (attempt - 1));
  }
}

async function endorseWhenPlannable(
  proposal: ReturnType<Contract['newProposal']>,
  transactionName: string,
  policy: RetryPolicy,
): Promise<Awaited<ReturnType<ReturnType<Contract['newProposal']>['endorse']>>> {
  const started = Date.now();
  const deadline = started + (policy.discoveryWaitMs ?? 30_000);
  const unavailableWaitMs = policy.unavailableWaitMs ?? DEFAULT_UNAVAILABLE_WAIT_MS;
  let lagRetries = 0;
  let unreachable = 0;
  let unreachableDelay = 500;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await proposal.endorse();
    } catch (error) {
      if ((isRemoteRefusal(error, policy.localMspId) || isProgressRefusal(error)) && lagRetries < 2) {
        lagRetries += 1;
        await sleep(500 * lagRetries);
        continue;
      }
      const peers = unreachablePeers(error, policy.localMspId, policy.gatewayEndpoint);
      if (peers !== null) {
        // a peer that is down (being restarted, or killed) is asked again, boundedly
        unreachable += 1;
        if (Date.now() + unreachableDelay - started > unavailableWaitMs) {
          throw peerUnavailable(peers, 'PEER_UNAVAILABLE', {
            transaction: transactionName,
            transactionId: proposal.getTransactionId(),
            attempts: unreachable,
            ms: Date.now() - started,
            cause: error,
          });
        }
        await sleep(unreachableDelay);
        unreachableDelay = Math.min(unreachableDelay * 2, 4000);
        continue;
      }
      if (!isUnplannable(error) || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}

async function waitForStatus<T>(
  getStatus: () => Promise<T>,
  transactionId: string,
  policy: RetryPolicy,
): Promise<T> {
  const waitMs = policy.commitWaitMs ?? 120_000;
  const unavailableWaitMs = policy.unavailableWaitMs ?? DEFAULT_UNAVAILABLE_WAIT_MS;
  const started = Date.now();
  const deadline = started + waitMs;
  let downSince: number | null = null;
  for (;;) {
    try {
      return await getStatus();
    } catch (error) {
      const peers = unreachablePeers(error, policy.localMspId, policy.gatewayEndpoint);
      downSince = peers === null ? null : (downSince ?? Date.now());
      if (peers !== null && downSince !== null && Date.now() - downSince >= unavailableWaitMs) {
        throw peerUnavailable(peers, 'PEER_UNAVAILABLE.commitStatus', {
          transaction: 'commit status',
          transactionId,
          attempts: 0,
          ms: Date.now() - started,
          cause: error,
        });
      }
      const transient =
        error instanceof GatewayError &&
        (error.code === DEADLINE_EXCEEDED || error.code === UNAVAILABLE || error.code === CANCELLED);
      if (!transient || Date.now() >= deadline) {
        if (transient) {
          throw new TransactionError(
            'COMMIT_STATUS_TIMEOUT',
            `no commit status for ${transactionId} within ${waitMs} ms`,
            {
              transactionId,
              cause: error,
            },
          );
        }
        throw error;
      }
      await sleep(500);
    }
  }
}
