'use client';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { toast } from 'sonner';
import { useOrgApi } from '@/components/settings/use-org-api';
import { ScopeSelect } from '@/components/settings/skills/skill-dialog';
import { TagInput } from '@/components/settings/teams/tag-input';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { cn } from '@/lib/cn';
import { credentialKindOf, mcpServerName, mcpTransportLabels, mcpTransports, type McpTransport } from '@/lib/mcp/config-input';
import type { McpServer } from '@/zero/schema.gen';
import { CredentialRows, type CredentialRow } from './credential-rows';

type CredentialMode = 'keep' | 'replace' | 'remove';

/**
 * Add or edit an MCP server. Saved through `PUT /api/orgs/[orgId]/mcp-servers` because it may
 * carry credentials; their values are never shown again, only the masked preview.
 */
export function McpServerDialog({ trigger, server }: { trigger: ReactNode; server?: McpServer }) {
  const id = useId();
  const api = useOrgApi();
  const [name, setName] = useState(server?.name ?? '');
  const [transport, setTransport] = useState<McpTransport>(server?.transport ?? 'stdio');
  const [command, setCommand] = useState(server?.command ?? '');
  const [argsText, setArgsText] = useState((server?.args ?? []).join('\n'));
  const [url, setUrl] = useState(server?.url ?? '');
  const [allowedTools, setAllowedTools] = useState<string[]>(server ? [...server.allowedTools] : []);
  const [projectID, setProjectID] = useState<string | null>(server?.projectId ?? null);
  const [mode, setMode] = useState<CredentialMode>(server?.credentialPreview ? 'keep' : 'replace');
  const [rows, setRows] = useState<CredentialRow[]>([]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const kind = credentialKindOf(transport);
  // Stored env vars cannot serve as headers (or the other way round): they must be entered again.
  const mustReenter = !!server?.credentialPreview && credentialKindOf(server.transport) !== kind && mode === 'keep';
  const effectiveMode: CredentialMode = mustReenter ? 'replace' : mode;
  const nameProblem = name !== '' ? (mcpServerName.safeParse(name).error?.issues[0]?.message ?? null) : null;

  function reset() {
    setName(server?.name ?? '');
    setTransport(server?.transport ?? 'stdio');
    setCommand(server?.command ?? '');
    setArgsText((server?.args ?? []).join('\n'));
    setUrl(server?.url ?? '');
    setAllowedTools(server ? [...server.allowedTools] : []);
    setProjectID(server?.projectId ?? null);
    setMode(server?.credentialPreview ? 'keep' : 'replace');
    setRows([]);
    setError(null);
    setFieldErrors({});
  }

  async function onSubmit(_event: FormEvent, close: () => void) {
    setPending(true);
    setError(null);
    setFieldErrors({});
    const filled = rows.filter((r) => r.name.trim() || r.value).map((r) => ({ name: r.name.trim(), value: r.value }));
    // Replacing with nothing keeps what is stored, unless the transport change makes it unusable.
    const credentials = effectiveMode === 'remove' ? [] : effectiveMode === 'replace' && filled.length ? filled : mustReenter ? [] : undefined;
    const common = { ...(server ? { id: server.id } : {}), name: name.trim(), projectID, allowedTools, credentials };
    const body =
      transport === 'stdio'
        ? { ...common, transport, command, args: argsText.split('\n').map((a) => a.trim()).filter(Boolean) }
        : { ...common, transport, url };
    const result = await api<{ server: { name: string; created: boolean } }>('PUT', 'mcp-servers', body);
    setPending(false);
    if (!result.ok) {
      const byField: Record<string, string> = {};
      for (const issue of result.issues) byField[issue.path.split('.')[0]] ??= issue.message;
      setFieldErrors(byField);
      const shownInline = new Set(['name', 'command', 'url', 'allowedTools']);
      const rest = result.issues.filter((i) => !shownInline.has(i.path.split('.')[0])).map((i) => i.message);
      return setError(result.issues.length ? rest.join(' ') || null : result.error);
    }
    toast.success(`${result.data.server.name} ${result.data.server.created ? 'added' : 'saved'}.`);
    close();
  }

  return (
    <FormDialog
      trigger={trigger}
      title={server ? `Edit ${server.name}` : 'Add an MCP server'}
      description="An external tool server runners can use in the stages it is attached to."
      onSubmit={onSubmit}
      onReset={reset}
      error={error}
      pending={pending}
      submitLabel={server ? 'Save MCP server' : 'Add MCP server'}
      pendingLabel="Saving…"
      testId="mcp-server-form"
      className="sm:max-w-2xl"
      autoComplete="off"
      noValidate
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-name`}>Name</Label>
          <Input
            id={`${id}-name`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="sentry"
            maxLength={64}
            className="font-mono"
            spellCheck={false}
            aria-invalid={nameProblem || fieldErrors.name ? true : undefined}
            aria-describedby={`${id}-name-error`}
            autoFocus
          />
          <FormError id={`${id}-name-error`}>{nameProblem ?? fieldErrors.name}</FormError>
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-scope`}>Scope</Label>
          <ScopeSelect id={`${id}-scope`} value={projectID} onChange={setProjectID} />
        </div>
      </div>
      <fieldset className="grid gap-2">
        <legend className="mb-1.5 text-sm font-medium">Transport</legend>
        <div className="grid grid-cols-3 gap-2" role="radiogroup" aria-label="Transport">
          {mcpTransports.map((t) => (
            <label
              key={t}
              className={cn(
                'cursor-pointer rounded-md border p-2.5 text-sm has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50',
                transport === t && 'border-primary bg-muted/60 font-medium',
              )}
            >
              <input type="radio" name={`${id}-transport`} value={t} checked={transport === t} onChange={() => setTransport(t)} className="sr-only" />
              {mcpTransportLabels[t]}
            </label>
          ))}
        </div>
      </fieldset>
      {transport === 'stdio' ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="grid content-start gap-1.5">
            <Label htmlFor={`${id}-command`}>Command</Label>
            <Input id={`${id}-command`} value={command} onChange={(e) => setCommand(e.target.value)} placeholder="npx" className="font-mono" spellCheck={false} />
            <FormError>{fieldErrors.command}</FormError>
          </div>
          <div className="grid content-start gap-1.5">
            <Label htmlFor={`${id}-args`}>Arguments (one per line)</Label>
            <Textarea id={`${id}-args`} value={argsText} onChange={(e) => setArgsText(e.target.value)} rows={2} placeholder={'-y\n@sentry/mcp-server'} className="font-mono text-xs" spellCheck={false} />
            <FormError>{fieldErrors.args}</FormError>
          </div>
        </div>
      ) : (
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-url`}>Server URL</Label>
          <Input id={`${id}-url`} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://mcp.example.com/sse" spellCheck={false} />
          <FormError>{fieldErrors.url}</FormError>
        </div>
      )}
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Credentials (optional)</legend>
        <p className="-mt-1 text-xs text-muted-foreground">
          {kind === 'env' ? 'Environment variables for the server process.' : 'Request headers sent to the server.'} Encrypted on this configuration, not listed under
          Secrets, and never shown again.
        </p>
        {server?.credentialPreview && effectiveMode !== 'replace' ? (
          <div className="flex flex-wrap items-center gap-2 rounded-md border bg-muted/30 px-3 py-2 text-sm">
            <span className="font-mono text-xs" data-testid="credential-preview">
              {effectiveMode === 'remove' ? 'Credentials will be removed.' : server.credentialPreview}
            </span>
            <div className="ml-auto flex gap-1">
              {effectiveMode === 'remove' ? (
                <Button type="button" variant="ghost" size="sm" onClick={() => setMode('keep')}>
                  Keep them
                </Button>
              ) : (
                <>
                  <Button type="button" variant="ghost" size="sm" onClick={() => setMode('replace')}>
                    Replace
                  </Button>
                  <Button type="button" variant="ghost" size="sm" onClick={() => setMode('remove')}>
                    Remove
                  </Button>
                </>
              )}
            </div>
          </div>
        ) : (
          <>
            {mustReenter && (
              <p className="text-xs text-warning">
                {transport === 'stdio' ? 'STDIO servers take environment variables' : 'SSE and HTTP servers take headers'}: enter the credentials again.
              </p>
            )}
            <CredentialRows rows={rows} onChange={setRows} kind={kind} />
          </>
        )}
      </fieldset>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-tools`}>Allowed tools (optional filter)</Label>
        <TagInput
          id={`${id}-tools`}
          itemName="tool"
          value={allowedTools}
          onChange={setAllowedTools}
          normalize={(t) => t}
          placeholder="search_issues, get_issue"
          describedBy={`${id}-tools-hint`}
        />
        <p id={`${id}-tools-hint`} className="text-xs text-muted-foreground">
          Empty: stages may use every tool of the server (mcp__{name || 'name'}__*).
        </p>
        <FormError>{fieldErrors.allowedTools}</FormError>
      </div>
    </FormDialog>
  );
}
