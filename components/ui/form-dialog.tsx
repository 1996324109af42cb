'use client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormError } from '@/components/ui/form-error';
import { cn } from '@/lib/cn';

type FormDialogProps = {
  trigger: ReactNode;
  title: ReactNode;
  description: ReactNode;
  /**
   * Runs on submit (the browser's own submit is already prevented). Call `close` once the form's
   * work is done: the dialog closes and `onReset` runs.
   */
  onSubmit: (event: FormEvent<HTMLFormElement>, close: () => void) => void | Promise<void>;
  /** Puts every field back as it was; runs whenever the dialog closes, however it closes. */
  onReset: () => void;
  /** The error shown above the submit button. */
  error: string | null;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  /** Identifies the form for tests (`data-testid`). */
  testId: string;
  /** Width and other classes of the dialog. */
  className?: string;
  /** Classes of the form; a grid with gap-4 by default. */
  formClassName?: string;
  noValidate?: boolean;
  autoComplete?: 'off';
  /** The fields, between the header and the error. */
  children: ReactNode;
};

/**
 * A dialog that holds one form: opened by its trigger, its fields reset on every close (Cancel,
 * Escape, a click outside or a successful submit), so the next opening starts clean.
 */
export function FormDialog({
  trigger,
  title,
  description,
  onSubmit,
  onReset,
  error,
  pending,
  submitLabel,
  pendingLabel,
  testId,
  className,
  formClassName,
  noValidate,
  autoComplete,
  children,
}: FormDialogProps) {
  const [open, setOpen] = useState(false);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) onReset();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void onSubmit(event, () => onOpenChange(false));
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className={className}>
        <form onSubmit={submit} className={cn('grid gap-4', formClassName)} data-testid={testId} noValidate={noValidate} autoComplete={autoComplete}>
          <DialogHeader>
            <DialogTitle>{title}</DialogTitle>
            <DialogDescription>{description}</DialogDescription>
          </DialogHeader>
          {children}
          <FormError>{error}</FormError>
          <DialogFooter>
            <Button type="submit" disabled={pending}>
              {pending ? pendingLabel : submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
