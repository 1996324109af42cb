import { describe, expect, it } from 'vitest';
import { jobEvent } from './job-events.ts';
import { ProgressTracker } from './progress.ts';

describe('ProgressTracker', () => {
  it('sums up files touched, commands run, validation and usage in one line', () => {
    const progress = new ProgressTracker();
    expect(progress.summaryEvent()?.payload.summary).toBe('0 files touched · 0 commands run · validation not run yet · 0 input tokens, 0 output · $0.00 so far');
    progress.observe(jobEvent.toolCall('implement', 't1', 'Write', { file_path: '/workspace/app/hello.js', content: 'x' }));
    progress.observe(jobEvent.toolCall('implement', 't2', 'Edit', { file_path: '/workspace/app/hello.js' }));
    progress.observe(jobEvent.toolCall('implement', 't3', 'Bash', { command: 'node hello.js' }));
    progress.observe(jobEvent.usage('implement', { model: 'claude-sonnet-4-6', inputTokens: 1000, outputTokens: 200, cacheReadTokens: 10_000, cacheWriteTokens: 500, costUsd: 0.125 }));
    progress.observe(jobEvent.validation('implement', { command: 'npm test', passed: false, exitCode: 1, output: 'x', attempt: 1 }));

    const event = progress.summaryEvent();
    expect(event?.payload).toEqual({
      summary: '1 file touched (app/hello.js) · 1 command run · validation failing (`npm test`) · 11,500 input tokens, 200 output · $0.13 so far',
      filesTouched: ['app/hello.js'],
      commandsRun: 1,
      validation: 'failing',
      inputTokens: 11_500,
      outputTokens: 200,
      costUsd: 0.125,
    });
    // Nothing new: no second summary.
    expect(progress.summaryEvent()).toBeNull();
    progress.observe(jobEvent.validation('implement', { command: 'npm test', passed: true, exitCode: 0, output: '', attempt: 2 }));
    expect(progress.summaryEvent()?.payload.validation).toBe('passing');
  });
});
