'use client';
import { nanoid } from 'nanoid';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { FormDialog } from '@/components/ui/form-dialog';
import { FormError } from '@/components/ui/form-error';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { mutators } from '@/zero/mutators';
import { knowledgeFields } from '@/zero/mutators/knowledge';

/** Edit what a reviewer taught; a changed text counts against the entry's confidence. */
export function KnowledgeDialog({ trigger, entry }: { trigger: ReactNode; entry: { id: string; comment: string; filePath: string } }) {
  const id = useId();
  const mutate = useMutate();
  const [comment, setComment] = useState(entry.comment);
  const [filePath, setFilePath] = useState(entry.filePath);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const commentProblem = knowledgeFields.comment.safeParse(comment).error?.issues[0]?.message ?? null;
  const pathProblem = knowledgeFields.filePath.safeParse(filePath).error?.issues[0]?.message ?? null;

  function reset() {
    setComment(entry.comment);
    setFilePath(entry.filePath);
    setError(null);
  }

  async function onSubmit(_event: FormEvent, close: () => void) {
    if (commentProblem || pathProblem) return;
    setPending(true);
    setError(null);
    const failure = await mutate(mutators.knowledge.update({ id: entry.id, evidenceID: nanoid(), comment: comment.trim(), filePath: filePath.trim() }));
    setPending(false);
    if (failure) return setError(failure);
    close();
  }

  return (
    <FormDialog
      trigger={trigger}
      title="Edit knowledge entry"
      description="Agents get this text as the reviewer's lesson. Changing it lowers the entry's confidence a little: what was learned needed a correction."
      onSubmit={onSubmit}
      onReset={reset}
      error={error}
      pending={pending}
      submitLabel="Save entry"
      pendingLabel="Saving…"
      testId="knowledge-form"
      className="sm:max-w-2xl"
      noValidate
    >
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-path`}>File</Label>
        <Input id={`${id}-path`} value={filePath} onChange={(e) => setFilePath(e.target.value)} className="font-mono" spellCheck={false} aria-invalid={pathProblem ? true : undefined} />
        <FormError>{pathProblem}</FormError>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-comment`}>Lesson</Label>
        <Textarea id={`${id}-comment`} value={comment} onChange={(e) => setComment(e.target.value)} rows={5} aria-invalid={commentProblem ? true : undefined} autoFocus />
        <FormError>{commentProblem}</FormError>
      </div>
    </FormDialog>
  );
}
