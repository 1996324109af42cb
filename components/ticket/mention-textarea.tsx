'use client';
import {
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ComponentProps,
  type KeyboardEvent,
  type SyntheticEvent,
} from 'react';
import { Badge } from '@/components/ui/badge';
import { Popover, PopoverAnchor, PopoverContent } from '@/components/ui/popover';
import { Textarea } from '@/components/ui/textarea';
import { cn } from '@/lib/cn';
import { insertMention, matchMentionCandidates, mentionTokenAt, type MentionCandidate, type MentionToken } from './mention-token';

type MentionTextareaProps = Omit<ComponentProps<typeof Textarea>, 'value' | 'onChange' | 'onSelect'> & {
  value: string;
  onValueChange: (value: string) => void;
  candidates: readonly MentionCandidate[];
  /** Ctrl/Cmd+Enter */
  onSubmit?: () => void;
};

/**
 * A textarea that offers @handles while one is being typed: arrows move, Enter or Tab
 * picks, Escape closes the list (and only the list) until the caret leaves that mention.
 */
export function MentionTextarea({ value, onValueChange, candidates, onSubmit, onKeyDown, className, ...props }: MentionTextareaProps) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const nextCaret = useRef<number | null>(null);
  const listID = useId();
  const [token, setToken] = useState<MentionToken | null>(null);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [active, setActive] = useState(0);

  const options = useMemo(() => (token ? matchMentionCandidates(candidates, token.query) : []), [token, candidates]);
  const open = token !== null && token.start !== dismissedAt && options.length > 0;
  const highlighted = Math.min(active, Math.max(options.length - 1, 0));

  // After inserting a handle the caret belongs right after it, not at the end of the text.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the text changes, which is when an insertion left a caret to place.
  useLayoutEffect(() => {
    if (nextCaret.current === null || !textarea.current) return;
    textarea.current.setSelectionRange(nextCaret.current, nextCaret.current);
    nextCaret.current = null;
  }, [value]);

  function readToken(el: HTMLTextAreaElement) {
    const next = el.selectionStart === el.selectionEnd ? mentionTokenAt(el.value, el.selectionStart) : null;
    if (next?.query !== token?.query || next?.start !== token?.start) setActive(0);
    setToken(next);
    if (!next || next.start !== dismissedAt) setDismissedAt(null);
  }

  function pick(candidate: MentionCandidate) {
    if (!token) return;
    const result = insertMention(value, token, candidate.handle);
    nextCaret.current = result.caret;
    setToken(null);
    onValueChange(result.text);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter while an IME is composing belongs to the IME.
    if (open && token && !event.nativeEvent.isComposing) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((highlighted + step + options.length) % options.length);
        return;
      }
      const plainEnter = event.key === 'Enter' && !event.shiftKey && !event.metaKey && !event.ctrlKey;
      if (plainEnter || (event.key === 'Tab' && !event.shiftKey)) {
        event.preventDefault();
        pick(options[highlighted]);
        return;
      }
      if (event.key === 'Escape') {
        // Closing the list must not also cancel the editor around it.
        event.preventDefault();
        event.stopPropagation();
        setDismissedAt(token.start);
        return;
      }
    }
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey) && onSubmit) {
      event.preventDefault();
      onSubmit();
      return;
    }
    onKeyDown?.(event);
  }

  return (
    <Popover open={open} onOpenChange={(next) => !next && token && setDismissedAt(token.start)}>
      <PopoverAnchor asChild>
        <Textarea
          ref={textarea}
          value={value}
          onChange={(e) => {
            onValueChange(e.target.value);
            readToken(e.target);
          }}
          onSelect={(e: SyntheticEvent<HTMLTextAreaElement>) => readToken(e.currentTarget)}
          onKeyDown={handleKeyDown}
          aria-autocomplete="list"
          aria-controls={open ? listID : undefined}
          aria-activedescendant={open ? `${listID}-${highlighted}` : undefined}
          className={className}
          {...props}
        />
      </PopoverAnchor>
      <PopoverContent
        align="start"
        className="w-72 p-1"
        onOpenAutoFocus={(e) => e.preventDefault()}
        onCloseAutoFocus={(e) => e.preventDefault()}
        // The textarea is outside the list: clicking into it keeps typing, it does not dismiss.
        onInteractOutside={(e) => {
          if (e.target instanceof Node && textarea.current?.contains(e.target)) e.preventDefault();
        }}
      >
        <div role="listbox" id={listID} aria-label="People and teams to mention">
          {options.map((c, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive: focus stays in the textarea, which points at the option with aria-activedescendant.
            // biome-ignore lint/a11y/useKeyWithClickEvents: the textarea's own keys (arrows, Enter, Tab) pick options.
            <div
              key={c.id}
              id={`${listID}-${i}`}
              role="option"
              aria-selected={i === highlighted}
              data-testid="mention-option"
              className={cn(
                'flex cursor-default items-center gap-2 rounded-sm px-2 py-1.5 text-sm',
                i === highlighted && 'bg-accent text-accent-foreground',
              )}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(c)}
            >
              <span className="font-medium">@{c.handle}</span>
              {c.kind === 'team' ? (
                <Badge variant="secondary">team</Badge>
              ) : (
                c.name && <span className="truncate text-muted-foreground">{c.name}</span>
              )}
            </div>
          ))}
        </div>
      </PopoverContent>
    </Popover>
  );
}
