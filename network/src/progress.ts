/** Prints numbered steps with their duration, so a long `network:up` shows where it is. */
export class StepReporter {
  private step = 0;

  public constructor(
    private readonly total: number,
    private readonly out: (line: string) => void = (line) => {
      process.stdout.write(`${line}\n`);
    },
  ) {}

  /** Runs `work` as the next step and prints its outcome. */
  public async run<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.step += 1;
    const started = performance.now();
    this.out(`[${this.step}/${this.total}] ${title} ...`);
    const result = await work();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    this.out(`[${this.step}/${this.total}] ${title}: done in ${seconds}s`);
    return result;
  }

  /** Prints an indented detail line under the current step. */
  public detail(line: string): void {
    this.out(`      ${line}`);
  }
}
