// One stage, from its first prompt until it is done: the agent runs; a question it asked
// waits for the person's answer, which resumes the same session; after a writing stage
// the validation commands run, and a failure goes back to the same session until the
// stage's retries run out. Stop unwinds from here with the stage's progress kept.
import { toError } from '@spedy/protocol/errors';
import { agentEnv, claudeArgs, type AgentTurn } from '../agent/claude-command.ts';
import { stageMcp } from '../agent/mcp-config.ts';
import { runAgent } from '../agent/run-agent.ts';
import { writeStageSkills } from '../agent/skills.ts';
import { continuePrompt, continuePromptAfter, stagePrompt, validationFailurePrompt } from '../agent/stage-prompt.ts';
import { InfrastructureFailure, JobStopped, WorkFailure } from './failures.ts';
import { LimitReached } from './limits.ts';
import { attemptChange, noProgressReason, noProgressRepeats, sameChangeReason } from './no-progress.ts';
import { jobEvent } from './job-events.ts';
import { stageModelAccess } from './model-access.ts';
import type { JobRun, StageState } from './job-run.ts';
import { agentContainerSpec, containerCwd, jobSockets, type StagePlace } from './stage-containers.ts';
import { runValidation } from './validation.ts';
import { repositoryTarget } from './review-target.ts';

/** How many consecutive text messages of the agent are held back to be masked together. */
const maxHeldTexts = 200;

/** The stored credentials of the job's MCP servers, fetched for this stage and added to what the masker hides. */
async function stageMcpCredentials(run: JobRun, stageName: string, needed: boolean) {
  if (!needed) return [];
  try {
    return await run.secrets.mcpCredentials();
  } catch (error) {
    throw new InfrastructureFailure(`The platform did not give the MCP credentials of stage "${stageName}": ${toError(error).message}`);
  }
}

function firstTurn(run: JobRun, state: StageState, parallelWith: string[], boardTools: boolean): AgentTurn {
  const step = run.steps[state.stepIndex]!;
  const prompt = stagePrompt({
    job: run.job,
    stage: state.stage,
    step: { index: step.index, count: run.steps.length, parallelWith },
    cwd: containerCwd(run),
    repositories: run.job.snapshot.repositories.map((repository, index) => {
      const target = repositoryTarget(run.job.snapshot, repository.fullName);
      return {
        path: `/workspace/${run.repositoryFolders[index]}`,
        fullName: repository.fullName,
        baseBranch: repository.baseBranch,
        ...(target.kind === 'revise' ? { revises: { number: target.pullRequest.number, branch: target.pullRequest.branch } } : {}),
      };
    }),
    branch: run.job.snapshot.repositories.length > 0 ? run.branch : null,
    earlierStages: run.finishedStages().filter((earlier) => earlier.stepIndex < state.stepIndex).map((earlier) => ({ name: earlier.stage.name, output: earlier.output ?? '' })),
    approval: state.approval,
    boardTools,
  });
  return { prompt, resumeSession: state.continues };
}

/** Runs the agent; what goes wrong there is Docker's doing (the agent's own failures are an outcome). */
async function runAgentIn(stageName: string, options: Parameters<typeof runAgent>[0]) {
  try {
    return await runAgent(options);
  } catch (error) {
    throw new InfrastructureFailure(`Docker could not run the agent of stage "${stageName}": ${toError(error).message}`);
  }
}

/** Asks the person the stage's question and returns the answer (Waiting for Input meanwhile). */
async function askPerson(run: JobRun, state: StageState, question: string, cancel: AbortSignal | undefined): Promise<string> {
  return run.oneQuestionAtATime(async () => {
    const answer = run.controls.expect('input', cancel);
    answer.catch(() => undefined);
    run.emit(jobEvent.question(state.stage.id, question));
    const message = await run.status.whileWaitingForInput(() => answer);
    return message.action === 'input' ? message.text : '';
  });
}

/**
 * The same validation failure, or the same change, came back `noProgressRepeats` times: Waiting
 * for Input until a person answers (the agent gets the answer), continues (the agent tries
 * again) or ends the job.
 */
async function askAfterNoProgress(run: JobRun, state: StageState, reason: string, cancel: AbortSignal | undefined): Promise<string | null> {
  return run.oneQuestionAtATime(async () => {
    const reply = run.controls.expect(['input', 'continue'], cancel);
    reply.catch(() => undefined);
    run.emit(jobEvent.question(state.stage.id, `${reason}. Answer to tell the agent what to change, continue to let it try again, or end the job.`));
    const message = await run.status.whileWaitingForInput(() => reply, reason);
    return message.action === 'input' ? (message.text ?? '') : null;
  });
}

export interface StageRunOptions {
  place: StagePlace;
  /** Names of the stages running beside this one. */
  parallelWith: string[];
  /** Aborted when a parallel stage of the same step failed. */
  cancel?: AbortSignal;
}

export async function runStage(run: JobRun, state: StageState, options: StageRunOptions): Promise<void> {
  if (state.done) return;
  const { stage } = state;
  const { place, cancel } = options;
  await run.status.report('executing');
  run.emit(jobEvent.stage(stage.id, stage.name, state.sessionId ? 'resumed' : 'started', { role: stage.role, model: stage.model }));
  const boardTools = run.deps.boardToolsMcp?.(stage);
  const mcp = stageMcp(stage, boardTools, await stageMcpCredentials(run, stage.name, stage.mcpServers.length > 0));
  const hasSkills = await writeStageSkills(run.layout.skills(state.key), stage.skills);
  const model = await stageModelAccess(run, stage.id, jobSockets(run).modelUrl);
  const env = agentEnv({ secrets: run.ctx.secrets, modelBaseUrl: model.baseUrl, apiKey: model.apiKey, customHeaders: model.customHeaders });
  // Validation commands have no business with the model.
  const validationEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('ANTHROPIC_')));
  const validates = stage.role !== 'planner' && stage.validationCommands.length > 0;
  const endStageClock = run.limits.startStage(stage.name);
  run.activeStages++;

  try {
    for (;;) {
      if (state.question !== undefined) {
        const answer = await askPerson(run, state, state.question, cancel);
        state.next = { prompt: answer, resumeSession: state.sessionId };
        state.question = undefined;
      }
      // A budget cap reached stops the stage like Stop does (budget.ts); the job then waits for a person.
      const signal = AbortSignal.any([run.controls.stopSignal, run.limits.signal, run.budget.signal, ...(cancel ? [cancel] : [])]);
      if (signal.aborted) throw new JobStopped(signal.reason);

      const turn = state.next ?? firstTurn(run, state, options.parallelWith, boardTools !== undefined);
      let delivered = false;
      // The last tool call of this run that has not succeeded (yet): what a Stop cuts short.
      let unfinished: { id: unknown; name: string; input: unknown } | undefined;
      // The agent's consecutive text messages are held until the next other event (or the run's
      // end) and masked together: a value split over several messages is hidden in each.
      const texts: string[] = [];
      // `keep` (masked) stay held, so a value that goes on in the next messages is still found.
      const flushTexts = (keep = 0) => {
        const masked = run.secrets.maskAcross(texts.splice(0));
        texts.push(...masked.splice(masked.length - keep));
        for (const text of masked) run.emit(jobEvent.text(stage.id, text));
      };
      const idle = run.limits.agentRunning(stage.name);
      const outcome = await runAgentIn(stage.name, {
        docker: run.deps.docker,
        container: agentContainerSpec(run, state, place, {
          // Metered by the proxy, turns are held job-wide (budget.ts); only an unmetered run gets the CLI's own per-run limit.
          cmd: claudeArgs({ stage, turn, mcp, hasSkills, maxTurns: model.metered ? null : run.job.snapshot.budget.maxTurns }),
          env: { ...env, ...mcp.env },
          hasSkills,
          extraBinds: mcp.binds,
        }),
        stage: stage.id,
        resumed: turn.resumeSession !== undefined,
        usageFromTranscript: !model.metered,
        signal,
        onEvent: (event) => {
          idle.touch();
          const { payload } = event;
          if (event.type === 'text' && typeof payload.text === 'string') {
            texts.push(payload.text);
            if (texts.length >= maxHeldTexts) flushTexts(maxHeldTexts / 2);
            return;
          }
          flushTexts();
          if (event.type === 'tool_call') unfinished = { id: payload.id, name: String(payload.name), input: payload.input };
          else if (event.type === 'tool_result' && payload.toolUseId === unfinished?.id && !payload.isError) unfinished = undefined;
          run.emit(event);
        },
        onStarted: () => run.status.reportSoon('running'),
        onSession: (sessionId) => {
          state.sessionId = sessionId;
          delivered = true;
        },
      }).finally(() => {
        flushTexts();
        idle.end();
      });

      if (outcome.kind === 'stopped') {
        // Continue resumes the session where it stopped, or sends the turn again if the agent never got it.
        state.next = delivered && state.sessionId ? { prompt: continuePromptAfter(unfinished), resumeSession: state.sessionId } : turn;
        throw new JobStopped(signal.reason);
      }
      if (outcome.kind === 'failed') {
        const reason = `Stage "${stage.name}": ${outcome.reason}`;
        throw outcome.apiFailure ? new InfrastructureFailure(reason) : new WorkFailure(reason);
      }
      state.sessionId = outcome.sessionId ?? state.sessionId;
      state.next = undefined;
      if (outcome.questions.length > 0) {
        state.question = outcome.questions.join('\n\n');
        continue;
      }
      if (validates) {
        const failure = await runValidation(run, state, place, { signal, env: validationEnv, attempt: state.retriesUsed + 1 });
        if (failure) {
          const repeats = state.repeatedFailures.record(failure);
          const change = await attemptChange(run, place);
          const sameChanges = change === null ? 0 : state.repeatedChanges.record(change);
          if (state.retriesUsed >= stage.maxRetries) {
            const tries = stage.maxRetries === 0 ? 'and the stage allows no retries' : `after ${stage.maxRetries} ${stage.maxRetries === 1 ? 'retry' : 'retries'}`;
            throw new WorkFailure(`Validation command "${failure.command}" still fails (exit code ${failure.exitCode}) ${tries}. Its output ended with:\n${failure.output}`);
          }
          let prompt = validationFailurePrompt(failure.command, failure.exitCode, failure.output);
          if (repeats >= noProgressRepeats || sameChanges >= noProgressRepeats) {
            const sameFailure = repeats >= noProgressRepeats;
            const reason = sameFailure ? noProgressReason(failure.command, noProgressRepeats) : sameChangeReason(noProgressRepeats);
            const answer = await askAfterNoProgress(run, state, reason, cancel);
            state.repeatedFailures.reset();
            state.repeatedChanges.reset();
            const what = sameFailure ? `It failed the same way ${noProgressRepeats} times in a row` : `Your last ${noProgressRepeats} attempts left the same change`;
            if (answer) prompt = `${prompt}\n\n${what}. A person looked at it and says:\n\n${answer}`;
          }
          state.retriesUsed++;
          run.emit(jobEvent.notice(`Validation failed; the agent gets the output (retry ${state.retriesUsed} of ${stage.maxRetries}).`, stage.id));
          state.next = { prompt, resumeSession: state.sessionId };
          continue;
        }
      }
      state.output = outcome.text;
      state.done = true;
      run.emit(jobEvent.stage(stage.id, stage.name, 'completed', { sessionId: state.sessionId ?? null }));
      return;
    }
  } catch (caught) {
    // A limit reached ends the job Failed with the limit's reason, not Stopped.
    const error = caught instanceof JobStopped && caught.reason instanceof LimitReached ? new WorkFailure(caught.reason.message) : caught;
    if (error instanceof JobStopped) {
      // Stopped between runs (during validation): Continue resumes the session instead of starting over.
      if (!state.next && state.question === undefined && state.sessionId) state.next = { prompt: continuePrompt, resumeSession: state.sessionId };
      run.emit(jobEvent.stage(stage.id, stage.name, 'stopped'));
    } else run.emit(jobEvent.stage(stage.id, stage.name, 'failed', { reason: error instanceof Error ? error.message : String(error) }));
    throw error;
  } finally {
    await model.release();
    run.activeStages--;
    endStageClock();
    // Where the job stands as the stage ends, for the top of the job page.
    const summary = run.progress.summaryEvent();
    if (summary) run.emit(summary);
  }
}
