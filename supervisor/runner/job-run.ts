// What one job's run holds while it runs: its context and dependencies, where its files
// are, its status and controls, and how far each stage got (kept across Stop and Continue,
// so Continue resumes the current stage's session instead of starting over).
import type http from 'node:http';
import type Docker from 'dockerode';
import type { StageSnapshot } from '@spedy/protocol/wire';
import { finishedStepCount, stageKeys, type JobCheckpoint } from '@spedy/protocol/checkpoint';
import type { AgentTurn } from '../agent/claude-command.ts';
import { jobBranchName } from '../git/branch-name.ts';
import type { RepositoryCheckout } from '../git/checkout.ts';
import type { ContainmentSettings, JobSockets } from '../egress/job-sockets.ts';
import type { Log } from '../log.ts';
import type { BoardToolsMcp } from '../mcp/board-tools-server.ts';
import type { ModelProxy } from '../model-proxy/model-proxy.ts';
import type { GitProviderAccess } from '@spedy/protocol/git-providers/access';
import { BudgetMeter } from './budget.ts';
import { JobControls } from './controls.ts';
import type { JobContext, JobEvent } from './job-context.ts';
import { folderName, jobLayout, type JobLayout } from './job-layout.ts';
import { bundleSecrets, type JobSecrets } from './job-secrets.ts';
import { JobClaudeLogin } from './claude-login.ts';
import { JobStatusTracker } from './job-status.ts';
import { DiminishingReturns } from './diminishing-returns.ts';
import { JobLimits } from './limits.ts';
import { RepeatedChanges, RepeatedFailures } from './no-progress.ts';
import { ProgressTracker } from './progress.ts';

export interface RunJobDeps {
  docker: Docker;
  /** The runner image's tag (ensureRunnerImage). */
  image: string;
  /** The model API the agent's requests go to: the scripted model (tests, demo); unset: the job's ANTHROPIC_BASE_URL or Anthropic's own. */
  modelBaseUrl?: string;
  /**
   * The supervisor's model proxy (key mode): it answers the job's model socket, and the agent
   * gets a token for it, never the key. Unset: the socket passes requests through unchanged.
   */
  modelProxy?: Pick<ModelProxy, 'grant' | 'handler'>;
  /**
   * Local mode: the person's Claude login file on the host (SPEDY_CLAUDE_CREDENTIALS); each job
   * gets a copy in its HOME and no key (claude-login.ts). Unset: key mode.
   */
  claudeLogin?: string;
  /** The job's board tools for a stage's --mcp-config (supervisor/mcp/); none when unset. */
  boardToolsMcp?: (stage: StageSnapshot) => BoardToolsMcp | undefined;
  /** Answers the job's board tools socket (the board tools server's listener). */
  boardToolsListener?: http.RequestListener;
  /** Limits, the sockets folder and the egress proxy's internal hosts. */
  containment: ContainmentSettings;
  /** The job's log (refused egress, for one); silent when unset. */
  log?: Log;
  /** The bootstrap bundle's `git` entries: API URL and token per git host. */
  providers: readonly GitProviderAccess[];
  /** How often the progress summary is sent while a stage runs (progress.ts); tests make it short. */
  progressIntervalMs?: number;
}

export interface StageState {
  stage: StageSnapshot;
  stepIndex: number;
  /** Unique within the job: the stage's folders and worktree branch. */
  key: string;
  sessionId?: string;
  /** The next run of the agent when it is not the stage's first (an answer, a fix, Continue). */
  next?: AgentTurn;
  /** An earlier stage's session this stage continues (the planner's, after approval). */
  continues?: string;
  /** Asked with ask_user and not answered yet. */
  question?: string;
  approval?: { note?: string };
  retriesUsed: number;
  /** Identical validation failures in a row ("No progress"). */
  repeatedFailures: RepeatedFailures;
  /** Attempts in a row that left the same change ("No progress"). */
  repeatedChanges: RepeatedChanges;
  /** The agent's final message. */
  output?: string;
  done: boolean;
}

export interface StepState {
  index: number;
  stages: StageState[];
  /** All stages done and, for parallel stages, their worktrees merged. */
  done: boolean;
}

export class JobRun {
  readonly layout: JobLayout;
  readonly status: JobStatusTracker;
  readonly controls: JobControls;
  /** The stage, job and idle limits; waiting for a person or stopped pauses them. */
  readonly limits: JobLimits;
  /** The job's budget, job-wide: metered usage against the snapshot's limits (budget.ts). */
  readonly budget: BudgetMeter;
  /** The job's secret set (vault entries, tokens and, once fetched, the MCP credentials) and its masker. */
  readonly secrets: JobSecrets;
  readonly branch: string;
  readonly steps: StepState[];
  /** Folder of each repository of the snapshot under the workspace, in snapshot order. */
  readonly repositoryFolders: string[];
  checkouts: RepositoryCheckout[] = [];
  /** The job's latest checkpoint: the claim's, then each one this run saves (checkpoint.ts). */
  checkpoint: JobCheckpoint | null;
  /** The claim's checkpoint, until Preparing resumes from it (once per run; checkpoint.ts). */
  resumeFrom: JobCheckpoint | null;
  /** What the stages run in: the runner image, or the job's setup layer on top of it (setup-layer.ts). */
  image: string;
  /** The job's sockets, open while the run runs (run-job.ts). */
  sockets: JobSockets | undefined;
  /** What the job did so far, for the progress summary. */
  readonly progress = new ProgressTracker();
  /** Low-output model turns in a row, per stage ("Diminishing returns"). */
  readonly diminishingReturns = new DiminishingReturns();
  /** Stages running now (the progress summary is sent only then). */
  activeStages = 0;
  /** Local mode: the person's Claude login as this job uses it. */
  readonly login: JobClaudeLogin | undefined;
  private questions: Promise<unknown> = Promise.resolve();

  constructor(
    readonly ctx: JobContext,
    readonly deps: RunJobDeps,
  ) {
    const { job } = ctx;
    this.layout = jobLayout(ctx.jobDir);
    this.image = deps.image;
    this.secrets = ctx.secretSet;
    this.secrets.add(bundleSecrets({ env: {}, git: deps.providers }));
    this.login = deps.claudeLogin ? new JobClaudeLogin(deps.claudeLogin, this.layout.home, this.secrets) : undefined;
    this.limits = new JobLimits(job.snapshot.budget);
    // Read live: a raise arrives with the claim that resumes the job (job-lifecycle.ts reclaimed).
    this.budget = new BudgetMeter(() => this.job.snapshot.budget, (event) => this.emit(event));
    this.status = new JobStatusTracker(ctx, (status) => this.limits.statusChanged(status));
    this.controls = new JobControls(ctx);
    // An epic run's jobs all work on the run's one branch (epic-delivery.ts).
    this.branch = job.snapshot.epic?.branch ?? jobBranchName(job, job.snapshot.ticket);
    const keys = stageKeys(job.snapshot.pipeline);
    this.steps = job.snapshot.pipeline.steps.map((step, stepIndex) => ({
      index: stepIndex,
      done: false,
      stages: step.stages.map((stage, n) => ({
        stage,
        stepIndex,
        key: keys[stepIndex]![n]!,
        retriesUsed: 0,
        repeatedFailures: new RepeatedFailures(),
        repeatedChanges: new RepeatedChanges(),
        done: false,
      })),
    }));
    // A checkpoint of another pipeline (no finished step matches) is ignored: its work would be the wrong one.
    this.resumeFrom = finishedStepCount(job.snapshot.pipeline, job.checkpoint) > 0 ? (job.checkpoint ?? null) : null;
    this.checkpoint = this.resumeFrom;
    const folders = new Set<string>();
    this.repositoryFolders = job.snapshot.repositories.map((repository) => {
      let folder = folderName(repository.name);
      for (let n = 2; folders.has(folder); n++) folder = `${folderName(repository.name)}-${n}`;
      folders.add(folder);
      return folder;
    });
  }

  get job() {
    return this.ctx.job;
  }

  /** For what leaves through other doors than the context: commit messages, pull requests, validation output. */
  mask(text: string): string {
    return this.secrets.mask(text);
  }

  /** Events are masked on their way out (the context's streamer). */
  emit(event: JobEvent): void {
    this.progress.observe(event);
    this.ctx.emit(event);
    this.budget.observe(event);
  }

  /** The stages that finished, in pipeline order, for the prompts of later stages and the pull request. */
  finishedStages(): StageState[] {
    return this.steps.flatMap((step) => step.stages).filter((state) => state.done);
  }

  /** Questions of parallel stages go to the person one after the other. */
  oneQuestionAtATime<T>(ask: () => Promise<T>): Promise<T> {
    const turn = this.questions.then(ask, ask);
    this.questions = turn.catch(() => undefined);
    return turn;
  }
}
