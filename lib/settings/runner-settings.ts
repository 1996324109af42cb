// An organization's runner settings (Settings → Runners → Settings). An organization
// without a row uses the defaults; the heartbeat monitor reads the same defaults.
import { z } from 'zod';

export const defaultRunnerSettings = { offlineTimeoutSeconds: 90, autoCreateJobs: true, retriggerOnReview: false } as const;

export const offlineTimeoutLimits = { min: 10, max: 3600 } as const;

export const runnerSettingsInput = z.object({
  offlineTimeoutSeconds: z
    .number({ message: 'The offline timeout is a number of seconds.' })
    .int('The offline timeout is a whole number of seconds.')
    .min(offlineTimeoutLimits.min, `A runner is marked offline after ${offlineTimeoutLimits.min} seconds at the earliest.`)
    .max(offlineTimeoutLimits.max, `A runner is marked offline after an hour (${offlineTimeoutLimits.max} seconds) at the latest.`),
  autoCreateJobs: z.boolean(),
  retriggerOnReview: z.boolean(),
});
export type RunnerSettings = z.infer<typeof runnerSettingsInput>;
