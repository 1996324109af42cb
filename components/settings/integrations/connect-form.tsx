'use client';
import { useId, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { defaultApiUrls, providerLabels, tokenKindLabels, type GitProvider, type IntegrationTestResult } from '@/lib/integrations/providers';
import type { GitIntegration } from '@/zero/schema.gen';
import { useOrgApi } from '../use-org-api';

type GithubKind = 'personal' | 'github_app';

/** Connect, or replace the credentials (and with them, optionally, the kind, email and API URL). The server's zod schema decides; its message is shown. */
export function ConnectForm({ provider, current, onDone }: { provider: GitProvider; current?: GitIntegration; onDone?: () => void }) {
  const id = useId();
  const api = useOrgApi();
  const [tokenKind, setTokenKind] = useState<GithubKind>(current?.tokenKind === 'github_app' ? 'github_app' : 'personal');
  const [email, setEmail] = useState(current?.accountEmail ?? '');
  const [token, setToken] = useState('');
  const [appId, setAppId] = useState(current?.githubAppId ?? '');
  const [installationId, setInstallationId] = useState(current?.githubInstallationId ?? '');
  const [privateKey, setPrivateKey] = useState('');
  const [apiUrl, setApiUrl] = useState(current && current.apiUrl !== defaultApiUrls[provider] ? current.apiUrl : '');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const app = provider === 'github' && tokenKind === 'github_app';

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const body =
      provider === 'bitbucket'
        ? { provider, tokenKind: 'api_token', email, token, apiUrl }
        : app
          ? { provider, tokenKind, appId, installationId, privateKey, apiUrl }
          : { provider, tokenKind, token, apiUrl };
    const saved = await api<{ integration: { id: string } }>('POST', 'integrations', body);
    if (!saved.ok) {
      setPending(false);
      return setError(saved.error);
    }
    setToken('');
    setPrivateKey('');
    // Test right away, so the card shows what the new credentials may do.
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
          <Label htmlFor={`${id}-kind`}>Connect with</Label>
          <Select value={tokenKind} onValueChange={(v) => setTokenKind(v === 'github_app' ? 'github_app' : 'personal')}>
            <SelectTrigger id={`${id}-kind`} className="w-full sm:w-[26rem]">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="personal">{tokenKindLabels.personal} (fine-grained or classic)</SelectItem>
              <SelectItem value="github_app">{tokenKindLabels.github_app} (installation tokens minted per job)</SelectItem>
            </SelectContent>
          </Select>
        </div>
      ) : (
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-email`}>Atlassian account email</Label>
          <Input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={200} required className="sm:w-80" spellCheck={false} />
          <p className="text-xs text-muted-foreground">Bitbucket checks an API token against the email of the account that created it.</p>
        </div>
      )}
      {app ? (
        <>
          <div className="grid gap-3 sm:grid-cols-2">
            <div className="grid gap-1.5">
              <Label htmlFor={`${id}-app`}>App ID</Label>
              <Input id={`${id}-app`} inputMode="numeric" value={appId} onChange={(e) => setAppId(e.target.value)} required spellCheck={false} />
              <p className="text-xs text-muted-foreground">The App’s settings → General → App ID.</p>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor={`${id}-installation`}>Installation ID</Label>
              <Input id={`${id}-installation`} inputMode="numeric" value={installationId} onChange={(e) => setInstallationId(e.target.value)} required spellCheck={false} />
              <p className="text-xs text-muted-foreground">The end of the installation’s URL: …/settings/installations/&lt;ID&gt;.</p>
            </div>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={`${id}-key`}>Private key</Label>
            <Textarea
              id={`${id}-key`}
              value={privateKey}
              onChange={(e) => setPrivateKey(e.target.value)}
              placeholder="-----BEGIN RSA PRIVATE KEY-----"
              rows={5}
              className="font-mono text-xs"
              spellCheck={false}
              autoComplete="off"
              required
            />
            <p className="text-xs text-muted-foreground">The .pem file from the App’s settings → Private keys. Stored encrypted; it never leaves Spedy (runners get installation tokens).</p>
          </div>
        </>
      ) : (
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-token`}>{provider === 'github' ? 'Token' : 'API token'}</Label>
          <Input
            id={`${id}-token`}
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder={provider === 'github' ? 'github_pat_… or ghp_…' : 'ATATT…'}
            autoComplete="off"
            spellCheck={false}
            required
          />
          {provider === 'bitbucket' && (
            <p className="text-xs text-muted-foreground">Atlassian account → Security → Create API token with scopes: Bitbucket, Repositories Write and Pull requests Write.</p>
          )}
        </div>
      )}
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
          {pending ? 'Saving and testing…' : current ? (app ? 'Replace App credentials' : 'Replace token') : `Connect ${providerLabels[provider]}`}
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
