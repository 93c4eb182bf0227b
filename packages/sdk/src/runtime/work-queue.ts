/** A FIFO of async tasks run at most `concurrency` at a time. */
export interface WorkQueue {
  /** Queues a task; it starts when a slot is free. */
  push(task: () => Promise<void>): void;
  /** Removes a task that has not started; false when it already started or is unknown. */
  remove(task: () => Promise<void>): boolean;
  /** Tasks waiting plus tasks running. */
  readonly pending: number;
  /** Resolves when nothing waits or runs. */
  idle(): Promise<void>;
}

export function createWorkQueue(concurrency: number): WorkQueue {
  const waiting: Array<() => Promise<void>> = [];
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  function pump(): void {
    while (running < concurrency && waiting.length > 0) {
      const task = waiting.shift()!;
      running++;
      // Tasks own their error handling; a rejection here must not stop the queue.
      task()
        .catch(() => {})
        .finally(() => {
          running--;
          pump();
        });
    }
    if (running === 0 && waiting.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  return {
    push(task) {
      waiting.push(task);
      pump();
    },
    remove(task) {
      const index = waiting.indexOf(task);
      if (index === -1) return false;
      waiting.splice(index, 1);
      pump();
      return true;
    },
    get pending() {
      return waiting.length + running;
    },
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
