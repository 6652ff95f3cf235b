// Server lifecycle for readiness and graceful shutdown: counts requests being answered so that shutdown can
// wait for every one of them, and marks responses with `Connection: close` while draining so keep-alive
// clients let go of their connections.
export class Lifecycle {
  ready = false;
  draining = false;
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  get activeRequests(): number {
    return this.active;
  }

  begin(): void {
    this.active++;
  }

  end(): void {
    this.active--;
    if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Stops reporting ready and resolves once no request is being answered. */
  drain(): Promise<void> {
    this.ready = false;
    this.draining = true;
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
