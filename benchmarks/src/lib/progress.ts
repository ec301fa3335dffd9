/**
 * The live progress line on stderr: the family, the step, a bar, elapsed time and an ETA.
 * The ETA starts from each family's own estimate and is corrected by how fast the run has
 * gone so far (a busy machine makes every step slower). On a terminal the line is redrawn in
 * place; otherwise (CI, the test) a line is printed per step, at most every two seconds.
 */
export interface FamilyEstimate {
  readonly id: string;
  readonly seconds: number;
}

function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export class Progress {
  private readonly startedAt = Date.now();
  private readonly total: number;
  private familyIndex = -1;
  private doneEstimate = 0;
  private familyStartedAt = Date.now();
  private step = '';
  private stepFraction = 0;
  private lastPrinted = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly estimates: readonly FamilyEstimate[],
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly live: boolean = process.stderr.isTTY === true,
  ) {
    this.total = estimates.reduce((sum, estimate) => sum + estimate.seconds, 0);
    // Redraw in place on a terminal; elsewhere, a heartbeat line during long steps.
    this.timer = this.live
      ? setInterval(() => this.render(), 500)
      : setInterval(() => this.heartbeat(), 10_000);
    this.timer.unref();
  }

  startFamily(id: string): void {
    const index = this.estimates.findIndex((estimate) => estimate.id === id);
    if (this.familyIndex >= 0) this.doneEstimate += this.estimates[this.familyIndex]?.seconds ?? 0;
    this.familyIndex = index;
    this.familyStartedAt = Date.now();
    this.step = 'starting';
    this.stepFraction = 0;
    this.render(true);
  }

  /** `done` of `total` steps of the current family are finished; `label` is the one running now. */
  update(label: string, done: number, total: number): void {
    const changed = label !== this.step;
    this.step = label;
    this.stepFraction = total <= 0 ? 0 : Math.min(1, done / total);
    // Off a terminal: a new step is printed unless the last line is under a second old.
    this.render(!this.live && changed && Date.now() - this.lastPrinted >= 1_000);
  }

  /** A permanent message above the progress line. */
  log(message: string): void {
    if (this.live) this.stream.write('\r\x1b[K');
    this.stream.write(`${message}\n`);
    this.render(true);
  }

  finish(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.live) this.stream.write('\r\x1b[K');
  }

  /** Seconds remaining, from the estimates scaled by the pace so far. */
  etaSeconds(): number {
    const current = this.estimates[this.familyIndex]?.seconds ?? 0;
    const inFamily = Math.min(current * this.stepFraction, current);
    const doneWork = this.doneEstimate + inFamily;
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const pace = doneWork > 5 ? Math.min(3, Math.max(0.5, elapsed / doneWork)) : 1;
    // The current family cannot be done before its own estimate says so, scaled by the pace.
    const familyElapsed = (Date.now() - this.familyStartedAt) / 1000;
    const familyLeft = Math.max(current * pace - familyElapsed, (current - inFamily) * pace * 0.2);
    return Math.max(0, familyLeft + (this.total - this.doneEstimate - current) * pace);
  }

  private heartbeat(): void {
    if (Date.now() - this.lastPrinted >= 10_000) this.render(true);
  }

  private render(force = false): void {
    const now = Date.now();
    if (!this.live && !force && now - this.lastPrinted < 2_000) return;
    this.lastPrinted = now;
    const family = this.estimates[this.familyIndex];
    if (family === undefined) return;
    const current = family.seconds * this.stepFraction;
    const fraction = this.total === 0 ? 1 : Math.min(1, (this.doneEstimate + current) / this.total);
    const width = 20;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const elapsed = (now - this.startedAt) / 1000;
    const line =
      `[${this.familyIndex + 1}/${this.estimates.length} ${family.id}] ${this.step}`.slice(0, 70).padEnd(70) +
      ` ${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  elapsed ${clock(elapsed)}  ETA ${clock(this.etaSeconds())}`;
    if (this.live) this.stream.write(`\r\x1b[K${line}`);
    else this.stream.write(`${line}\n`);
  }
}
