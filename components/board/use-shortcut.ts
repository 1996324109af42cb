'use client';
import { useEffect, useRef } from 'react';

// Typing a letter into a field, or inside an open dialog or menu, must never trigger a board shortcut.
const typingContexts = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="dialog"], [role="menu"], [role="listbox"]';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest(typingContexts) !== null);
}

/** Calls `onPress` when the single key `key` (no modifiers) is pressed outside any field. */
export function useShortcut(key: string, onPress: () => void, enabled = true) {
  const latest = useRef(onPress);
  useEffect(() => {
    latest.current = onPress;
  });

  useEffect(() => {
    if (!enabled) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.key.toLowerCase() !== key || event.metaKey || event.ctrlKey || event.altKey || event.shiftKey) return;
      if (event.repeat || event.defaultPrevented || isTyping(event.target)) return;
      // Otherwise the letter would land in the field the shortcut focuses.
      event.preventDefault();
      latest.current();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [key, enabled]);
}
