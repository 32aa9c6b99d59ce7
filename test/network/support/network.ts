import { networkUp } from '../../../network/src/network';
import { StepReporter } from '../../../network/src/progress';

let ready: Promise<void> | undefined;

/**
 * Brings the real network up once per test run (idempotent: reuses nodes already healthy and
 * redeploys the chaincode only when `chaincode/` changed). Progress goes to stderr.
 */
export function ensureNetwork(): Promise<void> {
  ready ??= networkUp({
    reporter: new StepReporter(8, (line) => {
      process.stderr.write(`    ${line}\n`);
    }),
  });
  return ready;
}
