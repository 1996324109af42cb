/** What a ticket of an active epic run shows where its status trigger would have started a job. */
export const partOfEpicRunNotice = 'Part of the epic run';

/** What an agent's create_subticket answers for a ticket created under an Epic whose run is active. */
export function subticketJoinsOnContinueNotice(epicDisplayId: string): string {
  return `${partOfEpicRunNotice} of ${epicDisplayId}: no job starts for it now; it joins the run when someone continues the run (Continue in the Epic Run Panel).`;
}
