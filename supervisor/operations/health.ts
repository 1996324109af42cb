// Whether this supervisor can do its work, as /healthz answers it (and the compose
// healthcheck reads it): the platform answers (the runner socket is open, or a heartbeat was
// answered within the last two heartbeat intervals) and the Docker engine answers its ping.

export type HealthInputs = {
  /** The supervisor is draining or stopped: it takes no work. */
  stopping: boolean;
  socketOpen: boolean;
  /** When the platform last answered (registration, then each heartbeat), ms since the epoch. */
  lastPlatformAnswerAt: number;
  heartbeatIntervalMs: number;
  /** Whether the engine answered its ping; null when this process runs no containers (tests' fake jobs). */
  dockerReachable: boolean | null;
  now: number;
};

export type Health = { healthy: true } | { healthy: false; reasons: string[] };

/** A heartbeat may be late by one interval (its own retry); two missed answers mean the platform is gone. */
const missedHeartbeats = 2;

export function assessHealth(inputs: HealthInputs): Health {
  const reasons: string[] = [];
  if (inputs.stopping) reasons.push('the supervisor is stopping and takes no new work');
  const silentMs = inputs.now - inputs.lastPlatformAnswerAt;
  if (!inputs.socketOpen && silentMs > missedHeartbeats * inputs.heartbeatIntervalMs) {
    reasons.push(`not connected to the platform: the runner socket is closed and no heartbeat was answered for ${Math.round(silentMs / 1000)} s`);
  }
  if (inputs.dockerReachable === false) reasons.push('the Docker engine does not answer its ping (is it running, and is its socket mounted?)');
  return reasons.length === 0 ? { healthy: true } : { healthy: false, reasons };
}
