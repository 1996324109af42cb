'use client';
import { Pencil, Wrench } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-error';
import { Textarea } from '@/components/ui/textarea';
import { parseSetupCommandLines } from '@/lib/repositories/setup-commands';
import { mutators } from '@/zero/mutators';
import type { ProjectRepository } from '@/zero/schema.gen';

function SetupCommandsForm({ repository, onDone }: { repository: ProjectRepository; onDone: () => void }) {
  const id = useId();
  const mutate = useMutate();
  const [text, setText] = useState((repository.setupCommands ?? []).join('\n'));
  const [error, setError] = useState<string | null>(null);
  const { commands, problems } = parseSetupCommandLines(text);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (problems.length > 0) return;
    const failure = await mutate(mutators.buildSettings.setSetupCommands({ id: repository.id, setupCommands: commands }));
    if (failure) return setError(failure);
    onDone();
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-1.5" data-testid="setup-commands-form">
      <label htmlFor={`${id}-commands`} className="text-sm font-medium">
        Setup commands of {repository.fullName}
      </label>
      <Textarea
        id={`${id}-commands`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setError(null);
        }}
        rows={4}
        className="font-mono text-xs"
        placeholder={'apt-get install -y python3-venv\npip install -r requirements.txt'}
        spellCheck={false}
        autoFocus
        aria-invalid={problems.length > 0 || error ? true : undefined}
        aria-describedby={`${id}-help ${id}-errors`}
      />
      <p id={`${id}-help`} className="text-xs text-muted-foreground">
        One command per line, run as root without a shell in the repository&apos;s folder, before the first stage. They reach only the team&apos;s allowed hosts (add
        deb.debian.org:80 for apt, pypi.org:443 and files.pythonhosted.org:443 for pip). The result is kept and reused until a command, a file a command names
        or the allowed hosts change.
      </p>
      <ul id={`${id}-errors`} className="grid gap-1" data-testid="setup-command-errors">
        {problems.map((p) => (
          <li key={p.line} role="alert" className="text-sm text-destructive">
            Line {p.line}: {p.problem}
          </li>
        ))}
      </ul>
      <FormError>{error}</FormError>
      <div className="flex gap-2">
        <Button type="submit" size="sm" disabled={problems.length > 0}>
          Save setup commands
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** A linked repository's setup commands (its layer on top of the runner image), shown and edited in place. */
export function SetupCommands({ repository }: { repository: ProjectRepository }) {
  const [editing, setEditing] = useState(false);
  const commands = repository.setupCommands ?? [];
  if (editing) return <SetupCommandsForm repository={repository} onDone={() => setEditing(false)} />;
  return (
    <div className="grid gap-1 text-xs" data-testid="setup-commands">
      <div className="flex items-center gap-2 text-muted-foreground">
        <Wrench className="size-3.5" aria-hidden />
        {commands.length === 0 ? 'No setup commands: stages run in the runner image as it is.' : 'Setup commands, run before the first stage:'}
        <Button variant="ghost" size="sm" className="ml-auto" onClick={() => setEditing(true)} aria-label={`Edit the setup commands of ${repository.fullName}`}>
          <Pencil aria-hidden /> Setup
        </Button>
      </div>
      {commands.length > 0 && (
        <ol className="grid gap-0.5 rounded bg-muted px-2 py-1.5 font-mono" aria-label={`Setup commands of ${repository.fullName}`}>
          {commands.map((command, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole on every save
            <li key={index}>{command}</li>
          ))}
        </ol>
      )}
    </div>
  );
}
