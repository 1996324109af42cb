'use client';
import { useQuery } from '@rocicorp/zero/react';
import { nanoid } from 'nanoid';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { useCurrentOrg } from '@/components/shell/org-context';
import { useMutate } from '@/components/shell/use-mutate';
import { FormDialog } from '@/components/ui/form-dialog';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Tabs, tabPanelProps } from '@/components/ui/tabs';
import { Textarea } from '@/components/ui/textarea';
import { mutators } from '@/zero/mutators';
import { skillFields } from '@/zero/mutators/team';
import { queries } from '@/zero/queries';
import type { Skill } from '@/zero/schema.gen';

const organizationScope = 'organization';
const bodyTabs = [
  { value: 'write', label: 'Write' },
  { value: 'preview', label: 'Preview' },
] as const;

/** The skill's scope: the organization, or one project (the agent only gets it on that project's tickets). */
export function ScopeSelect({ id, value, onChange }: { id: string; value: string | null; onChange: (projectID: string | null) => void }) {
  const org = useCurrentOrg();
  const [projects] = useQuery(queries.projects({ orgID: org.id }));
  return (
    <Select value={value ?? organizationScope} onValueChange={(v) => onChange(v === organizationScope ? null : v)}>
      <SelectTrigger id={id} className="w-full">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={organizationScope}>Whole organization</SelectItem>
        {projects.map((p) => (
          <SelectItem key={p.id} value={p.id}>
            Project {p.name} ({p.key})
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

/** Create a skill, or edit `skill`. */
export function SkillDialog({ trigger, skill }: { trigger: ReactNode; skill?: Skill }) {
  const id = useId();
  const org = useCurrentOrg();
  const mutate = useMutate();
  const [slug, setSlug] = useState(skill?.slug ?? '');
  const [description, setDescription] = useState(skill?.description ?? '');
  const [body, setBody] = useState(skill?.body ?? '');
  const [projectID, setProjectID] = useState<string | null>(skill?.projectId ?? null);
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const problem = (schema: { safeParse: (v: unknown) => { error?: { issues: { message: string }[] } } }, value: unknown) =>
    schema.safeParse(value).error?.issues[0]?.message ?? null;
  const slugProblem = slug !== '' || submitted ? problem(skillFields.slug, slug) : null;
  const descriptionProblem = submitted ? problem(skillFields.description, description) : null;
  const bodyProblem = submitted ? problem(skillFields.body, body) : null;

  function reset() {
    setSlug(skill?.slug ?? '');
    setDescription(skill?.description ?? '');
    setBody(skill?.body ?? '');
    setProjectID(skill?.projectId ?? null);
    setTab('write');
    setSubmitted(false);
    setError(null);
  }

  async function onSubmit(_event: FormEvent, close: () => void) {
    setSubmitted(true);
    if (problem(skillFields.slug, slug) || problem(skillFields.description, description) || problem(skillFields.body, body)) return;
    setPending(true);
    setError(null);
    const fields = { slug: slug.trim(), description: description.trim(), body, projectID };
    const failure = await mutate(skill ? mutators.skill.update({ id: skill.id, ...fields }) : mutators.skill.create({ id: nanoid(), orgID: org.id, ...fields }));
    setPending(false);
    if (failure) return setError(failure);
    close();
  }

  return (
    <FormDialog
      trigger={trigger}
      title={skill ? `Edit ${skill.slug}` : 'New skill'}
      description="Reusable instructions you attach to pipeline stages. The agent decides from the description when to use it."
      onSubmit={onSubmit}
      onReset={reset}
      error={error}
      pending={pending}
      submitLabel={skill ? 'Save skill' : 'Create skill'}
      pendingLabel="Saving…"
      testId="skill-form"
      className="sm:max-w-2xl"
      noValidate
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-slug`}>Name</Label>
          <Input
            id={`${id}-slug`}
            value={slug}
            onChange={(e) => setSlug(e.target.value.toLowerCase())}
            placeholder="code-review-guidelines"
            maxLength={64}
            className="font-mono"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={slugProblem ? true : undefined}
            aria-describedby={`${id}-slug-error`}
            autoFocus
          />
          <FormError id={`${id}-slug-error`}>{slugProblem}</FormError>
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-scope`}>Scope</Label>
          <ScopeSelect id={`${id}-scope`} value={projectID} onChange={setProjectID} />
        </div>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-description`}>Description</Label>
        <Textarea
          id={`${id}-description`}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          rows={2}
          maxLength={1024}
          placeholder="Use when reviewing a pull request in the web app."
          aria-invalid={descriptionProblem ? true : undefined}
        />
        <FormError>{descriptionProblem}</FormError>
      </div>
      <div className="grid gap-2">
        <div className="flex items-center justify-between gap-2">
          <Label htmlFor={`${id}-body`}>Instructions (Markdown)</Label>
          <Tabs tabs={bodyTabs} value={tab} onValueChange={setTab} idBase={`${id}-body`} aria-label="Instructions view" />
        </div>
        <div {...tabPanelProps(`${id}-body`, tab)} className="outline-none">
          {tab === 'write' ? (
            <Textarea
              id={`${id}-body`}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              rows={12}
              maxLength={50_000}
              className="max-h-[50vh] font-mono text-xs"
              placeholder={'# Code review\n\n- Check error handling\n- …'}
              aria-invalid={bodyProblem ? true : undefined}
            />
          ) : (
            <div className="max-h-[50vh] min-h-40 overflow-y-auto rounded-md border p-3 text-sm" data-testid="skill-preview">
              {body.trim() ? <Markdown>{body}</Markdown> : <p className="text-muted-foreground">Nothing to preview yet.</p>}
            </div>
          )}
        </div>
        <FormError>{bodyProblem}</FormError>
      </div>
    </FormDialog>
  );
}
