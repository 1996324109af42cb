'use client';
import { format, formatDistanceToNow } from 'date-fns';
import { MoreHorizontal, Pencil, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Markdown } from '@/components/markdown/markdown';
import { useMutate } from '@/components/shell/use-mutate';
import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { mutators } from '@/zero/mutators';
import type { Comment } from '@/zero/schema.gen';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { MentionTextarea } from './mention-textarea';
import type { MentionCandidate } from './mention-token';
import type { Person } from './use-org-directory';

type Directory = {
  people: ReadonlyMap<string, Person>;
  candidates: readonly MentionCandidate[];
  handleByID: ReadonlyMap<string, string>;
};

type CommentListProps = { comments: readonly Comment[]; directory: Directory; currentUserID: string };

export function CommentList({ comments, directory, currentUserID }: CommentListProps) {
  if (comments.length === 0) return <p className="text-sm text-muted-foreground">No comments yet.</p>;
  return (
    <ol className="grid gap-4">
      {comments.map((c) => (
        <CommentItem key={c.id} comment={c} directory={directory} mine={c.authorId === currentUserID} />
      ))}
    </ol>
  );
}

function CommentItem({ comment, directory, mine }: { comment: Comment; directory: Directory; mine: boolean }) {
  const mutate = useMutate();
  const [draft, setDraft] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const author = directory.people.get(comment.authorId)?.name ?? 'Former member';
  const mentions = (comment.mentions ?? []).flatMap((id) => directory.handleByID.get(id) ?? []);
  const edited = comment.updatedAt > comment.createdAt;

  async function save() {
    if (draft === null || !draft.trim()) return;
    if (draft === comment.body) return setDraft(null);
    const text = draft;
    setDraft(null);
    const error = await mutate(mutators.comment.edit({ id: comment.id, body: text }));
    if (error) setDraft(text);
  }

  return (
    <li data-testid="comment" data-comment-id={comment.id} className="flex gap-3">
      <Avatar name={author} className="mt-0.5" />
      <div className="min-w-0 flex-1 rounded-lg border bg-card">
        <div className="flex items-center gap-2 border-b px-3 py-1.5 text-sm">
          <span className="font-medium">{author}</span>
          <time
            className="text-muted-foreground"
            dateTime={new Date(comment.createdAt).toISOString()}
            title={format(comment.createdAt, 'PPpp')}
          >
            {formatDistanceToNow(comment.createdAt, { addSuffix: true })}
          </time>
          {edited && <span className="text-xs text-muted-foreground">(edited)</span>}
          {mine && draft === null && (
            <DropdownMenu>
              <DropdownMenuTrigger asChild>
                <Button variant="ghost" size="icon" className="ml-auto size-7" aria-label="Comment actions">
                  <MoreHorizontal />
                </Button>
              </DropdownMenuTrigger>
              <DropdownMenuContent align="end">
                <DropdownMenuItem onSelect={() => setDraft(comment.body)}>
                  <Pencil /> Edit
                </DropdownMenuItem>
                <DropdownMenuItem variant="destructive" onSelect={() => setConfirmingDelete(true)}>
                  <Trash2 /> Delete
                </DropdownMenuItem>
              </DropdownMenuContent>
            </DropdownMenu>
          )}
          <ConfirmDialog
            open={confirmingDelete}
            onOpenChange={setConfirmingDelete}
            title="Delete this comment?"
            description="The comment is removed for everyone. This cannot be undone."
            confirmLabel="Delete comment"
            onConfirm={() => mutate(mutators.comment.delete({ id: comment.id }))}
          />
        </div>
        <div className="px-3 py-2">
          {draft === null ? (
            <Markdown mentions={mentions}>{comment.body}</Markdown>
          ) : (
            <div className="grid gap-2">
              <MentionTextarea
                aria-label="Edit comment"
                autoFocus
                onFocus={(e) => e.currentTarget.setSelectionRange(e.currentTarget.value.length, e.currentTarget.value.length)}
                value={draft}
                onValueChange={setDraft}
                candidates={directory.candidates}
                onSubmit={() => void save()}
                onKeyDown={(e) => e.key === 'Escape' && setDraft(null)}
              />
              <div className="flex justify-end gap-2">
                <Button variant="outline" size="sm" onClick={() => setDraft(null)}>
                  Cancel
                </Button>
                <Button size="sm" onClick={() => void save()} disabled={!draft.trim()}>
                  Save
                </Button>
              </div>
            </div>
          )}
        </div>
      </div>
    </li>
  );
}
