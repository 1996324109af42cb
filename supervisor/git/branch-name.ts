// The job's branch: named from the ticket so a reviewer recognises it, and unique per job
// (a retry of the same ticket is a new job, and must not collide with the first attempt's).

/** Lowercase words joined by hyphens, accents dropped, cut at a word boundary. */
export function branchSlug(text: string, maxLength = 48): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (words.length <= maxLength) return words;
  const cut = words.slice(0, maxLength);
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > maxLength / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, '');
}

/** `spedy/spd-42-add-dark-mode-x7k2q9`: the ticket's display id and title, then the end of the job id. */
export function jobBranchName(job: { id: string; title: string }, ticket: { displayId: string; title: string } | null): string {
  const name = branchSlug(ticket ? `${ticket.displayId} ${ticket.title}` : job.title) || 'job';
  const suffix = job.id.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-6) || 'run';
  return `spedy/${name}-${suffix}`;
}
