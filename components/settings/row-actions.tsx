'use client';
import { Pencil, Trash2 } from 'lucide-react';
import type { ComponentProps, ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

/** The Edit button a settings row hands to its edit dialog as the trigger (props pass through for `asChild`). */
export function EditRowButton({ name, ...props }: { name: string } & ComponentProps<typeof Button>) {
  return (
    <Button variant="ghost" size="sm" aria-label={`Edit ${name}`} {...props}>
      <Pencil aria-hidden /> Edit
    </Button>
  );
}

/** A settings row's delete button, behind a confirmation that says what deleting does. */
export function DeleteRowButton(props: { name: string; description: ReactNode; confirmLabel: string; onConfirm: () => unknown }) {
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="icon" aria-label={`Delete ${props.name}`}>
          <Trash2 aria-hidden />
        </Button>
      }
      title={`Delete ${props.name}?`}
      description={props.description}
      confirmLabel={props.confirmLabel}
      onConfirm={props.onConfirm}
    />
  );
}
