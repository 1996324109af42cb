'use client';
import { useId, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { defaultApiUrls, providerLabels, tokenKindLabels, type GitProvider, type IntegrationTestResult } from '@/lib/integrations/providers';
import type { GitIntegration } from '@/zero/schema.gen';
import { useOrgApi } from '../use-org-api';

type GithubKind = 'personal' | 'app_installation';

/** Connect, or replace the token (and with it, optionally, the kind, username and API URL). */
export function ConnectForm({ provider, current, onDone }: { provider: GitProvider; current?: GitIntegration; onDone?: () => void }) {
  const id = useId();
  const api = useOrgApi();
  const [tokenKind, setTokenKind] = useState<GithubKind>(current?.tokenKind === 'app_installation' ? 'app_installation' : 'personal');
  const [username, setUsername] = useState(current?.username ?? '');
  const [token, setToken] = useState('');
  const [apiUrl, setApiUrl] = useState(current && current.apiUrl !== defaultApiUrls[provider] ? current.apiUrl : '');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const body =
      provider === 'github' ? { provider, tokenKind, token, apiUrl } : { provider, tokenKind: 'app_password', username, token, apiUrl };
    const saved = await api<{ integration: { id: string } }>('POST', 'integrations', body);
    if (!saved.ok) {
      setPending(false);
      return setError(saved.error);
    }
    setToken('');
    // Test right away, so the card shows what the new token may do.
    const tested = await api<{ result: IntegrationTestResult }>('POST', `integrations/${encodeURIComponent(saved.data.integration.id)}/test`);
    setPending(false);
    if (tested.ok && tested.data.result.ok) toast.success(`${providerLabels[provider]} connected. ${tested.data.result.message}`);
    else toast.warning(`${providerLabels[provider]} saved, but the connection test did not pass; see the card.`);
    onDone?.();
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4" data-testid={`connect-${provider}`} autoComplete="off">
      {provider === 'github' ? (
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-kind`}>Token kind</Label>
          <Select value={tokenKind} onValueChange={(v) => setTokenKind(v === 'app_installation' ? 'app_installation' : 'personal')}>
            <SelectTrigger id={`${id}-kind`} className="w-full sm:w-[26rem]">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="personal">{tokenKindLabels.personal} (fine-grained or classic)</SelectItem>
              <SelectItem value="app_installation">{tokenKindLabels.app_installation}</SelectItem>
            </SelectContent>
          </Select>
        </div>
      ) : (
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-username`}>Bitbucket username</Label>
          <Input id={`${id}-username`} value={username} onChange={(e) => setUsername(e.target.value)} maxLength={100} required className="sm:w-80" spellCheck={false} />
        </div>
      )}
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-token`}>{provider === 'github' ? 'Token' : 'App password'}</Label>
        <Input
          id={`${id}-token`}
          type="password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          placeholder={provider === 'github' ? 'github_pat_… or ghp_…' : 'App password'}
          autoComplete="off"
          spellCheck={false}
          required
        />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-api`}>API URL (optional)</Label>
        <Input id={`${id}-api`} type="url" value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} placeholder={defaultApiUrls[provider]} spellCheck={false} />
        <p className="text-xs text-muted-foreground">
          {provider === 'github' ? 'For GitHub Enterprise Server, e.g. https://github.example.com/api/v3.' : 'Leave empty for Bitbucket Cloud.'}
        </p>
      </div>
      <FormError>{error}</FormError>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving and testing…' : current ? 'Replace token' : `Connect ${providerLabels[provider]}`}
        </Button>
        {onDone && current && (
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
