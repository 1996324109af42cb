'use client';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

/**
 * One labelled limit of an AI budget (a cost in USD or a number of turns), as the job's, the
 * ticket's and the team's budget forms ask for it. The text is the form's: validation happens on save.
 */
export function BudgetLimitInput(props: {
  id: string;
  kind: 'cost' | 'turns';
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  invalid?: boolean;
  hint?: string;
  testId: string;
}) {
  const cost = props.kind === 'cost';
  return (
    <div className="grid gap-2">
      <Label htmlFor={props.id}>{cost ? 'Cost limit (USD)' : 'Turn limit'}</Label>
      <Input
        id={props.id}
        type="number"
        inputMode={cost ? 'decimal' : 'numeric'}
        min={cost ? 0 : 1}
        step={cost ? '0.01' : '1'}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.invalid || undefined}
        data-testid={props.testId}
      />
      {props.hint && <p className="text-xs text-muted-foreground">{props.hint}</p>}
    </div>
  );
}
