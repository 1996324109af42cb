'use client';
import { useId, useRef, type ComponentProps, type KeyboardEvent } from 'react';

import { cn } from '@/lib/cn';

// The WAI-ARIA tabs pattern without another dependency: arrow keys, Home and End move
// between tabs (and select them), Tab moves on into the panel.
type TabsProps<T extends string> = Omit<ComponentProps<'div'>, 'onChange'> & {
  tabs: readonly { value: T; label: string }[];
  value: T;
  onValueChange: (value: T) => void;
  /** Prefix for the ids that tie a tab to its panel (see tabPanelProps). */
  idBase?: string;
};

function Tabs<T extends string>({ tabs, value, onValueChange, idBase, className, ...props }: TabsProps<T>) {
  const generated = useId();
  const base = idBase ?? generated;
  const list = useRef<HTMLDivElement>(null);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = tabs.findIndex((t) => t.value === value);
    const next =
      event.key === 'ArrowRight' ? (index + 1) % tabs.length
      : event.key === 'ArrowLeft' ? (index - 1 + tabs.length) % tabs.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? tabs.length - 1
      : -1;
    if (next < 0) return;
    event.preventDefault();
    onValueChange(tabs[next].value);
    list.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[next]?.focus();
  }

  return (
    <div
      ref={list}
      role="tablist"
      data-slot="tabs"
      onKeyDown={onKeyDown}
      className={cn('inline-flex h-9 w-fit items-center rounded-lg bg-muted p-[3px] text-muted-foreground', className)}
      {...props}
    >
      {tabs.map((tab) => {
        const selected = tab.value === value;
        return (
          <button
            key={tab.value}
            type="button"
            role="tab"
            id={`${base}-tab-${tab.value}`}
            aria-selected={selected}
            aria-controls={`${base}-panel-${tab.value}`}
            tabIndex={selected ? 0 : -1}
            onClick={() => onValueChange(tab.value)}
            className={cn(
              'inline-flex h-full items-center justify-center rounded-md px-3 text-sm font-medium whitespace-nowrap transition-[color,box-shadow] outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50',
              selected && 'bg-background text-foreground shadow-sm',
            )}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}

/** Spread on the element that shows the selected tab's content. */
function tabPanelProps(idBase: string, value: string) {
  return { role: 'tabpanel' as const, id: `${idBase}-panel-${value}`, 'aria-labelledby': `${idBase}-tab-${value}`, tabIndex: 0 };
}

export { Tabs, tabPanelProps, type TabsProps };
