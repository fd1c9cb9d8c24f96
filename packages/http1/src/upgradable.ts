import { type Clock, type Connection, UpgradableConnection } from "@sansio/runtime-api";

/**
 * An `UpgradableConnection` that also passes the time methods (`setClock`, `nextDeadline`,
 * `handleTimeout`) to the protocol now in charge, and gives the driver's clock to the protocol it
 * upgrades to.
 */
export class ClockedUpgradableConnection extends UpgradableConnection {
  #clock: Clock | undefined;

  setClock(clock: Clock): void {
    this.#clock = clock;
    this.current.setClock?.(clock);
  }

  nextDeadline(): number | undefined {
    return this.current.nextDeadline?.();
  }

  handleTimeout(now: number): void {
    this.current.handleTimeout?.(now);
  }

  override upgrade(next: Connection): void {
    if (this.#clock !== undefined && next !== this.current) next.setClock?.(this.#clock);
    super.upgrade(next);
  }
}
