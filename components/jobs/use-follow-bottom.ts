'use client';
import { useCallback, useRef, useState } from 'react';

/** How close to the bottom (px) still counts as "at the bottom". */
const slack = 32;

/**
 * Keeps a scroll box at its bottom as content arrives while the person is there; once
 * they scroll up it stays put until they come back down or jump to the latest. The box's
 * owner calls `stick()` after its content changed (a new item, a row measured taller).
 */
export function useFollowBottom<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);

  const follow = useCallback((next: boolean) => {
    followingRef.current = next;
    setFollowing(next);
  }, []);

  const onScroll = useCallback(() => {
    const box = ref.current;
    if (box) follow(box.scrollHeight - box.scrollTop - box.clientHeight <= slack);
  }, [follow]);

  const stick = useCallback(() => {
    const box = ref.current;
    if (followingRef.current && box) box.scrollTop = box.scrollHeight;
  }, []);

  const jumpToLatest = useCallback(() => {
    const box = ref.current;
    if (box) box.scrollTop = box.scrollHeight;
    follow(true);
  }, [follow]);

  return { ref, following, onScroll, stick, jumpToLatest };
}
