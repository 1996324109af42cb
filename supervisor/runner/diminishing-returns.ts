// "Diminishing returns" (issue 14): a stage whose agent keeps answering with little (three
// model turns in a row, each under 500 output tokens) is flagged with an event, which the
// platform turns into a badge on the job. Deterministic, no model call: it reads the usage
// the model proxy meters for each response (one response is one turn). A response cut short
// (Stop) says nothing about the agent and is left out; a turn of 500 or more starts over.
/** A turn under this many output tokens counts as a low-output turn. */
export const lowOutputTokens = 500;
/** Low-output turns in a row that raise the flag. */
export const lowOutputTurns = 3;

export function diminishingReturnsMessage(outputTokens: readonly number[]): string {
  return `Diminishing returns: the last ${outputTokens.length} model turns each produced under ${lowOutputTokens} output tokens (${outputTokens.join(', ')}).`;
}

/** One stage's turns in a row under the threshold; flags once per streak. */
export class LowOutputStreak {
  private streak: number[] = [];

  /** Records one turn's output tokens; returns the streak when this turn makes it reach `lowOutputTurns`. */
  record(outputTokens: number): number[] | null {
    if (outputTokens >= lowOutputTokens) {
      this.streak = [];
      return null;
    }
    this.streak.push(outputTokens);
    return this.streak.length === lowOutputTurns ? [...this.streak] : null;
  }
}

/** The job's streaks, one per stage (parallel stages' turns interleave but do not add up). */
export class DiminishingReturns {
  private readonly streaks = new Map<string, LowOutputStreak>();

  /** The streak's output tokens when this response of the stage completes one (flag it), else null. */
  observe(stageId: string, usage: { outputTokens: number; partial: boolean }): number[] | null {
    if (usage.partial) return null;
    let streak = this.streaks.get(stageId);
    if (!streak) {
      streak = new LowOutputStreak();
      this.streaks.set(stageId, streak);
    }
    return streak.record(usage.outputTokens);
  }
}
