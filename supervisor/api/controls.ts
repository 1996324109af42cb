// Controls from the platform, over the socket or in a heartbeat answer. The platform sends
// each one until it hears the acknowledgement (on every reconnect and heartbeat), so the
// same id arrives more than once: it is applied once and acknowledged every time, over
// the socket when it is open, else with the next heartbeat.
import type { JobControlMessage } from '@spedy/protocol/wire';
import type { RunnerSocket } from './socket.ts';

/** Ids remembered as applied; far more than a supervisor's jobs receive between two acknowledgements. */
const rememberedIds = 5000;
/** The wire's limit (protocol/src/wire.ts); the rest go with the next heartbeat. */
const maxAcksPerHeartbeat = 200;

export type ControlReceiver = {
  receive(message: JobControlMessage): void;
  /** Acknowledgements the socket could not carry, for the next heartbeat (given back with `unsent` if it fails). */
  takeUnsent(): string[];
  unsent(controlIds: string[]): void;
};

export function createControlReceiver(deps: { socket: Pick<RunnerSocket, 'send'>; apply(message: JobControlMessage): void }): ControlReceiver {
  const applied = new Set<string>();
  const unsent = new Set<string>();

  const acknowledge = (controlId: string) => {
    if (!deps.socket.send({ type: 'control-ack', controlIds: [controlId] })) unsent.add(controlId);
  };

  return {
    receive(message) {
      const { controlId } = message;
      if (controlId === undefined) return deps.apply(message);
      if (!applied.has(controlId)) {
        applied.add(controlId);
        if (applied.size > rememberedIds) applied.delete(applied.values().next().value as string);
        deps.apply(message);
      }
      acknowledge(controlId);
    },
    takeUnsent() {
      const ids = [...unsent].slice(0, maxAcksPerHeartbeat);
      for (const id of ids) unsent.delete(id);
      return ids;
    },
    unsent(controlIds) {
      for (const id of controlIds) unsent.add(id);
    },
  };
}
