/**
 * Hides Node's one-time "SQLite is an experimental feature" ExperimentalWarning (node:sqlite backs
 * the audit store); every other warning still reaches the listeners there were.
 */

/**
 * Wraps the process's 'warning' listeners so the SQLite ExperimentalWarning is dropped (once per
 * process; later calls do nothing). Node emits warnings on the next tick, so calling this in the
 * tick that loaded node:sqlite (the program's first, synchronous one) still catches it. Call it
 * from a program's entry point, never at import: it changes the process's listeners.
 */
export function quietSqliteWarning(): void {
  const marker = Symbol.for('nrdl-catalog.quietSqliteWarning');
  const flags = process as unknown as Record<symbol, boolean | undefined>;
  if (flags[marker] === true) {
    return;
  }
  flags[marker] = true;
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning' && /SQLite/i.test(warning.message)) {
      return;
    }
    for (const listener of listeners) {
      listener(warning);
    }
  });
}
