'use client';
import Link from 'next/link';
import { useId, useState, type ReactNode } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { Textarea } from '@/components/ui/textarea';
import { mcpToolPatterns } from '@/lib/mcp/config-input';
import { defaultPlanningModel, models } from '@spedy/protocol/models';
import { formatHostPort, isAllowedHost } from '@spedy/protocol/allowed-hosts';
import { builtInTools, stageTypes } from '@spedy/protocol/wire';
import type { StageConfig } from '@/lib/teams/pipeline';
import { validationCommandProblem } from '@spedy/protocol/validation-commands';
import type { McpServer, Skill } from '@/zero/schema.gen';
import { roleLabels, stageTypeLabels } from './stage-labels';

type StageEditorProps = {
  stage: StageConfig;
  onChange: (stage: StageConfig) => void;
  skills: readonly Skill[];
  mcpServers: readonly McpServer[];
  /** Project id → key, to label project-scoped skills and servers. */
  projectKeys: ReadonlyMap<string, string>;
  /** The team's allowed hosts: all WebFetch and HTTP/SSE MCP servers reach (see NetworkNote). */
  allowedHosts: readonly string[];
  /** Field → the server's message (from pipelineConfig), for fields without their own inline check. */
  errors: Partial<Record<string, string>>;
};

/** host:port of an HTTP/SSE server's URL (the scheme's port when none is given). */
function serverHost(url: string | null): { host: string; port: number } | null {
  try {
    const parsed = new URL(url ?? '');
    return { host: parsed.hostname, port: Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80) };
  } catch {
    return null;
  }
}

/** WebFetch and HTTP/SSE MCP servers need their hosts on the team's allowed hosts: say so, and which are missing. */
function NetworkNote({ webFetch, servers, allowedHosts }: { webFetch: boolean; servers: readonly McpServer[]; allowedHosts: readonly string[] }) {
  const remote = servers.filter((s) => s.transport !== 'stdio');
  if (!webFetch && remote.length === 0) return null;
  const missing = remote.flatMap((server) => {
    const target = serverHost(server.url);
    return target && !isAllowedHost(allowedHosts, target.host, target.port) ? [`${server.name} (${formatHostPort(target)})`] : [];
  });
  const subject = webFetch ? (remote.length > 0 ? 'WebFetch and HTTP/SSE MCP servers reach' : 'WebFetch reaches') : 'HTTP and SSE MCP servers reach';
  return (
    <p className="rounded-md border border-dashed px-3 py-2 text-xs text-muted-foreground" data-testid="network-note">
      {subject} only the team's allowed hosts ({allowedHosts.length === 0 ? 'none yet' : allowedHosts.join(', ')}); edit them under Team settings →
      Allowed hosts.
      {missing.length > 0 && <span className="mt-1 block text-destructive">Not allowed yet: {missing.join(', ')}.</span>}
    </p>
  );
}

function Section({ title, children, hint }: { title: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-1 text-sm font-medium">{title}</legend>
      {hint && <p className="-mt-1 text-xs text-muted-foreground">{hint}</p>}
      {children}
    </fieldset>
  );
}

function CheckboxItem({ checked, onChange, children, mono }: { checked: boolean; onChange: (checked: boolean) => void; children: ReactNode; mono?: boolean }) {
  return (
    <label className="flex cursor-pointer items-center gap-2 rounded-md px-1.5 py-1 text-sm hover:bg-muted/50">
      <input type="checkbox" className="size-4 accent-primary" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span className={mono ? 'font-mono text-xs' : undefined}>{children}</span>
    </label>
  );
}

const toggle = (list: readonly string[], item: string, on: boolean) => (on ? [...new Set([...list, item])] : list.filter((x) => x !== item));

/** Every setting of one stage; changes go to the pipeline draft at once, saving is the editor's. */
export function StageEditor({ stage, onChange, skills, mcpServers, projectKeys, allowedHosts, errors }: StageEditorProps) {
  const id = useId();
  const org = useCurrentOrg();
  // The text as typed (blank lines included); the stage keeps the non-empty lines.
  const [commandsText, setCommandsText] = useState(stage.validationCommands.join('\n'));
  const [retriesText, setRetriesText] = useState(String(stage.maxRetries));
  const set = <K extends keyof StageConfig>(key: K, value: StageConfig[K]) => onChange({ ...stage, [key]: value });

  const commandProblems = commandsText
    .split('\n')
    .map((line, i) => ({ line: i + 1, problem: line.trim() ? validationCommandProblem(line) : null }))
    .filter((p): p is { line: number; problem: string } => p.problem !== null);
  const retries = Number(retriesText);
  const retriesProblem = retriesText.trim() === '' || !Number.isInteger(retries) || retries < 0 || retries > 10 ? 'Retries are 0–10.' : null;

  const attachedServers = mcpServers.filter((m) => stage.mcpServerIds.includes(m.id));
  const scopeOf = (projectId: string | null) => (projectId ? ` (${projectKeys.get(projectId) ?? 'project'})` : '');

  function setMcpServer(server: McpServer, on: boolean) {
    const patterns = mcpToolPatterns(server);
    // Attaching a server allows its tools; detaching takes them away again.
    onChange({
      ...stage,
      mcpServerIds: toggle(stage.mcpServerIds, server.id, on),
      allowedTools: on ? [...new Set([...stage.allowedTools, ...patterns])] : stage.allowedTools.filter((t) => !t.startsWith(`mcp__${server.name}__`)),
    });
  }

  return (
    <div className="grid gap-5" data-testid="stage-editor" aria-label={`Stage ${stage.name}`} role="group">
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-name`}>Stage name</Label>
          <Input id={`${id}-name`} value={stage.name} onChange={(e) => set('name', e.target.value)} maxLength={60} aria-invalid={errors.name ? true : undefined} />
          <FormError>{errors.name}</FormError>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-type`}>Type</Label>
          <Select value={stage.type} onValueChange={(v) => set('type', v as StageConfig['type'])}>
            <SelectTrigger id={`${id}-type`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {stageTypes.map((t) => (
                <SelectItem key={t} value={t}>
                  {stageTypeLabels[t]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-model`}>Model</Label>
          <Select value={stage.model} onValueChange={(v) => set('model', v as StageConfig['model'])}>
            <SelectTrigger id={`${id}-model`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {models.map((m) => (
                <SelectItem key={m.id} value={m.id}>
                  {m.label}
                  {m.id === defaultPlanningModel ? ' — default for planning' : ''}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-role`}>Role</Label>
          <Select value={stage.role} onValueChange={(v) => set('role', v as StageConfig['role'])}>
            <SelectTrigger id={`${id}-role`} className="w-full">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {(Object.keys(roleLabels) as StageConfig['role'][]).map((r) => (
                <SelectItem key={r} value={r}>
                  {roleLabels[r]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      </div>

      <div className="flex flex-wrap gap-x-8 gap-y-3">
        <label className="flex items-center gap-2 text-sm">
          <Switch checked={stage.enabled} onCheckedChange={(on) => set('enabled', on)} aria-label="Stage enabled" />
          Enabled
        </label>
        <label className="flex items-center gap-2 text-sm">
          <Switch checked={stage.requireApproval} onCheckedChange={(on) => set('requireApproval', on)} aria-label="Require approval" />
          Require approval before this stage runs
        </label>
      </div>

      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-prompt`}>System prompt</Label>
        <Textarea
          id={`${id}-prompt`}
          value={stage.systemPrompt}
          onChange={(e) => set('systemPrompt', e.target.value)}
          rows={5}
          maxLength={20_000}
          className="max-h-80 font-mono text-xs"
          placeholder="The instructions the AI follows during this stage."
        />
        <FormError>{errors.systemPrompt}</FormError>
      </div>

      <Section title="Allowed tools" hint={stage.role === 'planner' ? 'Planner stages run read-only, whatever is ticked here.' : undefined}>
        <div className="grid grid-cols-2 gap-x-2 sm:grid-cols-4" data-testid="allowed-tools">
          {builtInTools.map((tool) => (
            <CheckboxItem key={tool} checked={stage.allowedTools.includes(tool)} onChange={(on) => set('allowedTools', toggle(stage.allowedTools, tool, on))}>
              {tool}
            </CheckboxItem>
          ))}
        </div>
        {attachedServers.length > 0 && (
          <div className="grid gap-x-2 sm:grid-cols-2" data-testid="mcp-tools">
            {attachedServers.flatMap((server) =>
              mcpToolPatterns(server).map((pattern) => (
                <CheckboxItem key={pattern} mono checked={stage.allowedTools.includes(pattern)} onChange={(on) => set('allowedTools', toggle(stage.allowedTools, pattern, on))}>
                  {pattern}
                </CheckboxItem>
              )),
            )}
          </div>
        )}
        <NetworkNote webFetch={stage.allowedTools.includes('WebFetch')} servers={attachedServers} allowedHosts={allowedHosts} />
        <FormError>{errors.allowedTools}</FormError>
      </Section>

      <div className="grid gap-4 sm:grid-cols-2">
        <Section title="Skills">
          {skills.length === 0 ? (
            <p className="text-xs text-muted-foreground">
              No skills yet. <Link className="underline" href={`/${org.slug}/settings/skills`}>Create one under Settings → Skills</Link>.
            </p>
          ) : (
            <div className="grid max-h-48 overflow-y-auto" data-testid="stage-skills">
              {skills.map((skill) => (
                <CheckboxItem key={skill.id} mono checked={stage.skillIds.includes(skill.id)} onChange={(on) => set('skillIds', toggle(stage.skillIds, skill.id, on))}>
                  {skill.slug}
                  {scopeOf(skill.projectId)}
                </CheckboxItem>
              ))}
            </div>
          )}
        </Section>
        <Section title="MCP servers">
          {mcpServers.length === 0 ? (
            <p className="text-xs text-muted-foreground">
              No MCP servers yet. <Link className="underline" href={`/${org.slug}/settings/mcp-servers`}>Add one under Settings → MCP Servers</Link>.
            </p>
          ) : (
            <div className="grid max-h-48 overflow-y-auto" data-testid="stage-mcp-servers">
              {mcpServers.map((server) => (
                <CheckboxItem key={server.id} mono checked={stage.mcpServerIds.includes(server.id)} onChange={(on) => setMcpServer(server, on)}>
                  {server.name}
                  {scopeOf(server.projectId)}
                </CheckboxItem>
              ))}
            </div>
          )}
        </Section>
      </div>

      <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-commands`}>Validation commands</Label>
          <Textarea
            id={`${id}-commands`}
            value={commandsText}
            onChange={(e) => {
              setCommandsText(e.target.value);
              set(
                'validationCommands',
                e.target.value
                  .split('\n')
                  .map((l) => l.trim())
                  .filter(Boolean),
              );
            }}
            rows={3}
            className="font-mono text-xs"
            placeholder={'npm run lint\nnpm test'}
            spellCheck={false}
            aria-invalid={commandProblems.length ? true : undefined}
            aria-describedby={`${id}-commands-help ${id}-commands-errors`}
          />
          <p id={`${id}-commands-help`} className="text-xs text-muted-foreground">
            One command per line; they run after the stage, without a shell. A failing command sends the agent back to fix it.
          </p>
          <ul id={`${id}-commands-errors`} className="grid gap-1" data-testid="validation-command-errors">
            {commandProblems.map((p) => (
              <li key={p.line} role="alert" className="text-sm text-destructive">
                Line {p.line}: {p.problem}
              </li>
            ))}
          </ul>
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-retries`}>Max retries</Label>
          <Input
            id={`${id}-retries`}
            type="number"
            min={0}
            max={10}
            step={1}
            value={retriesText}
            onChange={(e) => {
              setRetriesText(e.target.value);
              const n = Number(e.target.value);
              // An out-of-range number is kept in the draft so saving reports it; empty stays the last value.
              if (e.target.value.trim() !== '' && Number.isFinite(n)) set('maxRetries', n);
            }}
            aria-invalid={retriesProblem ? true : undefined}
          />
          <FormError>{retriesProblem ?? errors.maxRetries}</FormError>
        </div>
      </div>
    </div>
  );
}
