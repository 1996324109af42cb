'use client';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

/** How close to the bottom (px) still counts as "at the bottom". */
const slack = 32;

/**
 * Keeps a scroll box at its bottom as content arrives while the person is there; once
 * they scroll up it stays put until they come back down or jump to the latest.
 */
export function useFollowBottom<T extends HTMLElement>(contentVersion: unknown) {
  const ref = useRef<T>(null);
  const [following, setFollowing] = useState(true);

  const onScroll = useCallback(() => {
    const box = ref.current;
    if (box) setFollowing(box.scrollHeight - box.scrollTop - box.clientHeight <= slack);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: new content (a new contentVersion) is what scrolls the box down.
  useLayoutEffect(() => {
    const box = ref.current;
    if (following && box) box.scrollTop = box.scrollHeight;
  }, [contentVersion, following]);

  const jumpToLatest = useCallback(() => {
    const box = ref.current;
    if (box) box.scrollTop = box.scrollHeight;
    setFollowing(true);
  }, []);

  return { ref, following, onScroll, jumpToLatest };
}
