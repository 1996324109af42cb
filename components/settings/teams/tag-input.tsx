'use client';
import { X } from 'lucide-react';
import { useState, type KeyboardEvent } from 'react';
import { cn } from '@/lib/cn';

type TagInputProps = {
  id: string;
  value: string[];
  onChange: (value: string[]) => void;
  placeholder?: string;
  /** The list's name for screen readers ("capability", "label"). */
  itemName: string;
  invalid?: boolean;
  describedBy?: string;
  /** How a typed tag is normalised; lowercase unless given. */
  normalize?: (tag: string) => string;
};

const lowercase = (tag: string) => tag.toLowerCase();

/** Tags as chips; Enter, comma or blur adds what was typed, Backspace on an empty field removes the last. */
export function TagInput({ id, value, onChange, placeholder, itemName, invalid, describedBy, normalize = lowercase }: TagInputProps) {
  const [text, setText] = useState('');

  function commit() {
    const tags = text
      .split(/[,\s]+/)
      .map((t) => normalize(t.trim()))
      .filter(Boolean);
    if (tags.length) onChange([...value, ...tags.filter((t, i) => !value.includes(t) && tags.indexOf(t) === i)]);
    setText('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && text === '' && value.length) {
      onChange(value.slice(0, -1));
    }
  }

  return (
    <div
      className={cn(
        'flex min-h-9 w-full flex-wrap items-center gap-1 rounded-md border border-input px-2 py-1 shadow-xs focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/50',
        invalid && 'border-destructive',
      )}
    >
      <ul className="contents" aria-label={`${itemName}s`}>
        {value.map((tag) => (
          <li key={tag} className="inline-flex items-center gap-1 rounded bg-muted px-1.5 py-0.5 font-mono text-xs" data-testid="tag">
            {tag}
            <button
              type="button"
              className="rounded-sm opacity-60 outline-none hover:opacity-100 focus-visible:ring-2 focus-visible:ring-ring"
              aria-label={`Remove ${itemName} ${tag}`}
              onClick={() => onChange(value.filter((t) => t !== tag))}
            >
              <X className="size-3" aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      <input
        id={id}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={commit}
        placeholder={value.length ? undefined : placeholder}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        className="min-w-24 flex-1 bg-transparent py-0.5 text-sm outline-none placeholder:text-muted-foreground"
        spellCheck={false}
        autoComplete="off"
      />
    </div>
  );
}
