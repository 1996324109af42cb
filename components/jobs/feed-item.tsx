import { AlertTriangle, Ban, Bell, CheckCircle2, CircleHelp, ExternalLink, FileText, GitPullRequest, Layers, ListChecks, Package, UserRound, Wrench, XCircle } from 'lucide-react';
import type { ReactNode } from 'react';
import type { FeedItem, ToolResultView } from '@/lib/jobs/event-feed';
import { cn } from '@/lib/cn';
import { RunnerImageLine } from './runner-image-line';

function Row({ icon, tone, children }: { icon: ReactNode; tone?: 'error' | 'warning' | 'muted'; children: ReactNode }) {
  return (
    <div
      className={cn(
        'flex gap-2 rounded-md px-2 py-1.5 text-sm',
        tone === 'error' && 'bg-destructive/5 text-destructive',
        tone === 'warning' && 'bg-amber-500/10',
        tone === 'muted' && 'text-muted-foreground',
      )}
    >
      <span className="mt-0.5 shrink-0 [&>svg]:size-4" aria-hidden>
        {icon}
      </span>
      <div className="grid min-w-0 flex-1 gap-1">{children}</div>
    </div>
  );
}

const pre = 'max-h-72 overflow-auto rounded bg-muted/50 p-2 font-mono text-xs whitespace-pre-wrap break-words';

/** A tool's output, folded: one line until the person opens it. */
function ToolResult({ result, toolName }: { result: ToolResultView; toolName?: string | null }) {
  return (
    <details className={cn('rounded-md border px-2 py-1 text-sm', result.isError && 'border-destructive/50 bg-destructive/5')} data-testid="feed-tool-result" data-error={result.isError || undefined}>
      <summary className={cn('cursor-pointer text-xs text-muted-foreground', result.isError && 'font-medium text-destructive')}>
        {result.isError ? 'Tool error' : 'Tool result'}
        {toolName && ` · ${toolName}`}
      </summary>
      <pre className={cn(pre, 'mt-1')}>{result.content || '(empty)'}</pre>
    </details>
  );
}

/** One event of the live feed, as a person reads it. */
export function FeedItemView({ item, stageName }: { item: FeedItem; stageName: (id: string | null) => string | null }) {
  switch (item.kind) {
    case 'text':
      return (
        <div className="px-2 py-1.5 text-sm whitespace-pre-wrap break-words" data-testid="feed-text" data-streaming={item.streaming || undefined}>
          {item.text}
        </div>
      );
    case 'tool_call':
      return (
        <Row icon={<Wrench />}>
          <p className="min-w-0 truncate" data-testid="feed-tool-call">
            <span className="font-mono font-semibold">{item.name}</span> {item.summary && <span className="font-mono text-muted-foreground">{item.summary}</span>}
          </p>
          {item.result && <ToolResult result={item.result} />}
        </Row>
      );
    case 'tool_result':
      return <ToolResult result={item} toolName={item.toolName} />;
    case 'permission_denied':
      return (
        <Row icon={<Ban />} tone="warning">
          <p data-testid="feed-permission-denied">
            Permission denied: <span className="font-mono font-semibold">{item.tool}</span> {item.summary && <span className="font-mono">{item.summary}</span>}
          </p>
        </Row>
      );
    case 'error':
      return (
        <Row icon={<XCircle />} tone="error">
          <p className="whitespace-pre-wrap" data-testid="feed-error">{item.message}</p>
        </Row>
      );
    case 'result':
      return (
        <Row icon={<XCircle />} tone="error">
          <p className="whitespace-pre-wrap" data-testid="feed-error">The agent ended with an error{item.text ? `: ${item.text}` : '.'}</p>
        </Row>
      );
    case 'stage':
      return (
        <Row icon={<Layers />} tone={item.phase === 'failed' ? 'error' : 'muted'}>
          <p className="text-xs font-medium" data-testid="feed-stage">
            Stage {item.name} {item.phase}
            {item.reason && `: ${item.reason}`}
          </p>
        </Row>
      );
    case 'plan':
      return (
        <Row icon={<FileText />}>
          <p className="text-xs font-medium text-muted-foreground">Plan for {stageName(item.stage) ?? 'the next stage'}</p>
          <div className="rounded bg-muted/40 p-2 whitespace-pre-wrap" data-testid="feed-plan">{item.plan}</div>
        </Row>
      );
    case 'question':
      return (
        <Row icon={<CircleHelp />} tone="warning">
          <p className="text-xs font-medium">The agent asks</p>
          <p className="whitespace-pre-wrap" data-testid="feed-question">{item.question}</p>
        </Row>
      );
    case 'validation':
      return (
        <Row icon={item.passed ? <CheckCircle2 /> : <ListChecks />} tone={item.passed ? undefined : 'error'}>
          <p data-testid="feed-validation" data-passed={item.passed}>
            <span className="font-mono">{item.command}</span> {item.passed ? 'passed' : `failed (exit ${item.exitCode})`}
            {item.attempt > 1 && `, attempt ${item.attempt}`}
          </p>
          {!item.passed && item.output && <pre className={pre}>{item.output}</pre>}
        </Row>
      );
    case 'setup':
      return (
        <Row icon={item.state === 'failed' ? <XCircle /> : item.state === 'passed' ? <CheckCircle2 /> : <Package />} tone={item.state === 'failed' ? 'error' : undefined}>
          <p data-testid="feed-setup" data-state={item.state}>
            Setup <span className="font-mono">{item.command}</span> {item.state === 'running' ? 'running…' : item.state === 'passed' ? 'passed' : `failed (exit ${item.exitCode ?? '?'})`}
            <span className="text-muted-foreground"> · {item.repository}</span>
          </p>
          {item.output && (
            <details open={item.state !== 'passed'}>
              <summary className="cursor-pointer text-xs text-muted-foreground">Output</summary>
              <pre className={cn(pre, 'mt-1')}>{item.output}</pre>
            </details>
          )}
        </Row>
      );
    case 'setup_layer':
      return (
        <Row icon={<Package />} tone="muted">
          <p data-testid="feed-setup-layer" data-state={item.state}>
            {item.state === 'building'
              ? `Building the setup layer: ${item.commands} setup ${item.commands === 1 ? 'command' : 'commands'} on top of the runner image.`
              : item.state === 'built'
                ? `The setup layer is built (${item.image}); the stages run in it.`
                : `Reusing the setup layer ${item.image}: built earlier with the same commands, files and allowed hosts; no setup command runs.`}
          </p>
        </Row>
      );
    case 'pull_request':
      return (
        <Row icon={<GitPullRequest />}>
          <a href={item.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 underline underline-offset-2" data-testid="feed-pull-request">
            Opened pull request {item.repository}#{item.number} <ExternalLink className="size-3" aria-hidden />
          </a>
        </Row>
      );
    case 'notice':
      return (
        <Row icon={<Bell />} tone="muted">
          <p data-testid="feed-notice">{item.message}</p>
        </Row>
      );
    case 'runner_image':
      return (
        <Row icon={item.status.state === 'failed' ? <XCircle /> : <Package />} tone={item.status.state === 'failed' ? 'error' : 'muted'}>
          <p>
            <RunnerImageLine status={item.status} testId="feed-runner-image" className="text-sm" />
          </p>
        </Row>
      );
    case 'action':
      return (
        <Row icon={<UserRound />}>
          <p className="whitespace-pre-wrap" data-testid="feed-action" data-action={item.action}>
            {item.sentence}
          </p>
        </Row>
      );
    case 'other':
      return (
        <Row icon={<AlertTriangle />} tone="muted">
          <p className="text-xs">An event of type “{item.type}”</p>
        </Row>
      );
  }
}
