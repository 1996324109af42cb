'use client';
import { nanoid } from 'nanoid';
import { useState, type FormEvent } from 'react';
import { useMutate } from '@/components/shell/use-mutate';
import { Button } from '@/components/ui/button';
import { Kbd } from '@/components/ui/kbd';
import { mutators } from '@/zero/mutators';
import { MentionTextarea } from './mention-textarea';
import type { MentionCandidate } from './mention-token';

export function CommentComposer({ ticketID, candidates }: { ticketID: string; candidates: readonly MentionCandidate[] }) {
  const mutate = useMutate();
  const [body, setBody] = useState('');

  async function post(event?: FormEvent) {
    event?.preventDefault();
    const text = body;
    if (!text.trim()) return;
    // Optimistic: the comment shows at once; a refused one gives its text back.
    setBody('');
    const error = await mutate(mutators.comment.add({ id: nanoid(), ticketID, body: text }));
    if (error) setBody((current) => current || text);
  }

  return (
    <form onSubmit={post} className="grid gap-2">
      <MentionTextarea
        data-testid="comment-input"
        aria-label="Write a comment"
        placeholder="Leave a comment. Markdown works; type @ to mention someone."
        className="min-h-24"
        value={body}
        onValueChange={setBody}
        candidates={candidates}
        onSubmit={() => void post()}
      />
      <div className="flex items-center justify-between gap-2">
        <p className="flex items-center gap-1 text-xs text-muted-foreground">
          <Kbd>Ctrl</Kbd>/<Kbd>⌘</Kbd>+<Kbd>Enter</Kbd> to post
        </p>
        <Button type="submit" size="sm" disabled={!body.trim()}>
          Comment
        </Button>
      </div>
    </form>
  );
}
