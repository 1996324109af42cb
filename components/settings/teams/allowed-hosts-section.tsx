'use client';
import { X } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { allowedHost, npmRegistryHost } from '@spedy/protocol/allowed-hosts';
import { mutators } from '@/zero/mutators';
import type { RunnerTeam } from '@/zero/schema.gen';

/**
 * The team's allowed hosts: what its agent and validation containers reach besides the model
 * and the board tools (WebFetch, HTTP/SSE MCP servers, npm install). Each change is saved at once.
 */
export function AllowedHostsSection({ team }: { team: RunnerTeam }) {
  const id = useId();
  const mutate = useMutate();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const hosts = team.allowedHosts ?? [];

  async function save(next: string[]) {
    setPending(true);
    const failure = await mutate(mutators.team.setAllowedHosts({ id: team.id, allowedHosts: next }));
    setPending(false);
    setError(failure);
    return failure === null;
  }

  async function onAdd(event: FormEvent) {
    event.preventDefault();
    const parsed = allowedHost.safeParse(text);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Enter a host:port.');
    if (await save([...hosts, parsed.data])) setText('');
  }

  return (
    <section className="grid gap-4 rounded-lg border bg-card p-5" aria-labelledby={`${id}-title`} data-testid="allowed-hosts">
      <div className="grid gap-1">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Allowed hosts
        </h2>
        <p className="text-sm text-muted-foreground">
          The team's containers have no network of their own: they reach the model and the board tools through the runner, and only these hosts
          besides (WebFetch, HTTP and SSE MCP servers, package installs in validation commands). Loopback, private and cloud metadata addresses stay
          unreachable whatever is listed.
        </p>
      </div>
      {hosts.length === 0 ? (
        <p className="text-sm text-muted-foreground">No hosts allowed: the containers reach nothing else.</p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label="Allowed hosts">
          {hosts.map((host) => (
            <li key={host} className="inline-flex items-center gap-1 rounded-md border bg-muted/40 py-0.5 pr-1 pl-2 font-mono text-xs">
              {host}
              <button
                type="button"
                className="rounded p-0.5 hover:bg-muted"
                aria-label={`Remove ${host}`}
                disabled={pending}
                onClick={() => void save(hosts.filter((h) => h !== host))}
              >
                <X className="size-3" aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onAdd} className="flex flex-wrap items-end gap-2" noValidate>
        <div className="grid min-w-64 flex-1 gap-1.5">
          <Label htmlFor={`${id}-host`}>Host and port</Label>
          <Input
            id={`${id}-host`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="api.example.com:443"
            className="font-mono text-sm"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </div>
        <Button type="submit" disabled={pending || text.trim() === ''}>
          Allow host
        </Button>
        {!hosts.includes(npmRegistryHost) && (
          <Button type="button" variant="outline" disabled={pending} onClick={() => void save([...hosts, npmRegistryHost])}>
            Allow the npm registry
          </Button>
        )}
      </form>
      <FormError id={`${id}-error`}>{error}</FormError>
    </section>
  );
}
