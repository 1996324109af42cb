'use client';
import { useEffect, useRef, useState } from 'react';

/**
 * The latest of a fast-changing value, at most once per animation frame: a job streaming
 * hundreds of events a second changes its live query far more often than a screen can show.
 */
export function useFrameBatched<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const frame = useRef(0);
  latest.current = value;
  useEffect(() => {
    // One frame is pending at a time; it takes whatever is latest when it runs.
    if (frame.current !== 0 || Object.is(value, shown)) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setShown(latest.current);
    });
  }, [value, shown]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  return shown;
}
