import { cva, type VariantProps } from 'class-variance-authority';
import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

const avatarVariants = cva(
  'inline-flex shrink-0 items-center justify-center rounded-full font-medium select-none',
  {
    variants: {
      size: {
        sm: 'size-6 text-[0.625rem]',
        default: 'size-8 text-xs',
        lg: 'size-10 text-sm',
      },
    },
    defaultVariants: { size: 'default' },
  },
);

/** "Ada Lovelace" → "AL", "grace" → "G", "alan.turing@example.com" → "AT". */
function initialsOf(name: string): string {
  const [local = ''] = name.split('@');
  const letters = local
    .split(/[\s._-]+/)
    .filter(Boolean)
    .map((word) => Array.from(word)[0] ?? '');
  const first = letters[0] ?? '?';
  const last = letters.length > 1 ? letters[letters.length - 1] : '';
  return (first + last).toUpperCase();
}

// Same name, same colour on every render and every client: a stable string hash picks the hue.
function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return Math.abs(hash) % 360;
}

type AvatarProps = Omit<ComponentProps<'span'>, 'children'> &
  VariantProps<typeof avatarVariants> & { name: string };

function Avatar({ name, size, className, style, ...props }: AvatarProps) {
  const hue = hueOf(name);
  return (
    <span
      data-slot="avatar"
      role="img"
      aria-label={name}
      title={name}
      className={cn(avatarVariants({ size }), className)}
      style={{ backgroundColor: `oklch(0.9 0.06 ${hue})`, color: `oklch(0.38 0.1 ${hue})`, ...style }}
      {...props}
    >
      <span aria-hidden>{initialsOf(name)}</span>
    </span>
  );
}

export { Avatar, avatarVariants, initialsOf, type AvatarProps };
