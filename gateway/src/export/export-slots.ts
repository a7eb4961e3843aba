/**
 * How many table downloads run at once, per client and in all. A download holds a page of rows
 * from the graph in memory for as long as it streams; without a cap, thirty parallel anonymous
 * ledger_lines.csv took the gateway to 480 MiB.
 */
export class ExportSlots {
  private readonly held = new Map<string, number>();
  private total = 0;

  constructor(
    readonly perClient: number,
    readonly overall: number,
  ) {}

  /** A slot for the client, with the function that gives it back (once, however often called); null when none is free. */
  take(client: string): (() => void) | null {
    const mine = this.held.get(client) ?? 0;
    if (mine >= this.perClient || this.total >= this.overall) return null;
    this.held.set(client, mine + 1);
    this.total++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.total--;
      const left = (this.held.get(client) ?? 1) - 1;
      if (left > 0) this.held.set(client, left);
      else this.held.delete(client);
    };
  }
}
