/**
 * The CLI's one progress renderer: a bar, the lines of workflow progress (imports, proposals) and
 * of audit replay, and the stderr display they are drawn on (one self-updating line on a terminal,
 * plain lines elsewhere; never stdout, which carries only JSON with `--json`).
 */
import type { ReplayProgress } from '@nrdl-catalog/gateway-client/audit';
import type { Progress } from '@nrdl-catalog/gateway-client';
import { processOutput, type Output } from './output';
import { t, type CliKey, type Lang } from './i18n';

/** The workflow phases' names in Chinese (English keeps the library's names). */
const PHASES: Readonly<Record<string, CliKey>> = {
  create: 'cli.phase.create',
  chunks: 'cli.phase.chunks',
  open: 'cli.phase.open',
  approve: 'cli.phase.approve',
  apply: 'cli.phase.apply',
  seal: 'cli.phase.seal',
  done: 'cli.phase.done',
};

/** A workflow phase (`chunks`, `approve`, …) as the command's language names it. */
export function phaseLabel(lang: Lang, phase: string): string {
  const key = PHASES[phase];
  return lang === 'en' || key === undefined ? phase : t(lang, key);
}

/** A bar such as `[#######.................]` for a fraction from 0 to 1. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** A workflow progress line such as `chunks       7/10 [#######...]`. */
export function progressLine(progress: Progress, lang: Lang = 'en'): string {
  const bar = progressBar(progress.total === 0 ? 1 : progress.done / progress.total);
  return `${phaseLabel(lang, progress.phase).padEnd(8)} ${String(progress.done).padStart(5)}/${progress.total} ${bar}${progress.detail ? ` ${progress.detail}` : ''}`;
}

/** A replay progress line: a bar when the target block is known, else the block number. */
export function replayProgressLine(p: ReplayProgress, width = 24, lang: Lang = 'en'): string {
  const rates = t(lang, 'cli.replay.rates', {
    blocks: p.blocksPerSecond.toFixed(1),
    writes: Math.round(p.writesPerSecond),
  });
  const reconnects =
    p.reconnects > 0
      ? `  ${t(lang, p.reconnects === 1 ? 'cli.replay.reconnect' : 'cli.replay.reconnects', { count: p.reconnects })}`
      : '';
  if (p.targetBlock === null) {
    return `${t(lang, 'cli.replay.following', { block: p.blockNumber, blocks: p.blocks })}  ${rates}${reconnects}`;
  }
  const fraction = p.targetBlock <= 0 ? 1 : Math.min(1, Math.max(0, p.blockNumber / p.targetBlock));
  const percent = `${Math.floor(fraction * 100)}`.padStart(3);
  return `${progressBar(fraction, width)} ${percent}%  ${t(lang, 'cli.replay.block', { block: p.blockNumber, target: p.targetBlock })}  ${rates}${reconnects}`;
}

/** Options of {@link progressDisplay}. */
export interface ProgressDisplayOptions {
  /** Draw on the terminal (default: when the command writes to a terminal's stderr). */
  readonly tty?: boolean;
  /** At most one line per this many ms (default 0: every update); a forced update always shows. */
  readonly intervalMs?: number;
}

/** Where progress lines are shown; see {@link progressDisplay}. */
export interface ProgressDisplay {
  /**
   * Shows `line` (or keeps it for later when updates come faster than the interval). On a
   * terminal, a new `group` (e.g. a workflow phase) keeps the previous group's last line.
   */
  readonly show: (line: string, options?: { readonly group?: string; readonly force?: boolean }) => void;
  /** A status line of its own (the progress line in place is kept above it). */
  readonly note: (text: string) => void;
  /** Shows the line kept back, if any, and ends the progress line. */
  readonly finish: () => void;
}

/**
 * A progress display on stderr: on a terminal one self-updating line, elsewhere one line per
 * update shown (through `out.err`, so tests capture it).
 */
export function progressDisplay(out: Output, options: ProgressDisplayOptions = {}): ProgressDisplay {
  const tty = options.tty ?? (out === processOutput && process.stderr.isTTY);
  const interval = options.intervalMs ?? 0;
  let last = -Infinity;
  let pending: string | null = null;
  let lineOpen = false;
  let group: string | undefined;
  const endLine = (): void => {
    if (lineOpen) {
      process.stderr.write('\n');
      lineOpen = false;
    }
  };
  const draw = (line: string): void => {
    last = performance.now();
    pending = null;
    if (tty) {
      process.stderr.write(`\r${line}\u001b[K`);
      lineOpen = true;
    } else {
      out.err(line);
    }
  };
  return {
    show: (line, shown = {}) => {
      if (shown.group !== undefined && shown.group !== group) {
        if (pending !== null) draw(pending);
        endLine();
        group = shown.group;
      }
      if (shown.force === true || performance.now() - last >= interval) draw(line);
      else pending = line;
    },
    note: (text) => {
      endLine();
      out.err(text);
    },
    finish: () => {
      if (pending !== null) draw(pending);
      endLine();
    },
  };
}

/**
 * Workflow progress (`driveProposal`'s `onProgress`) on a {@link progressDisplay}, in `lang`; call
 * `finish` when done.
 */
export function progressReporter(
  out: Output,
  lang: Lang = 'en',
): {
  readonly onProgress: (progress: Progress) => void;
  readonly finish: () => void;
} {
  const display = progressDisplay(out);
  return {
    onProgress: (progress) => {
      display.show(progressLine(progress, lang), {
        group: progress.phase,
        force: progress.done === progress.total,
      });
    },
    finish: display.finish,
  };
}
