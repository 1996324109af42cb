// The floor page of `npm run bench:board`: React and Zero with the app's schema, queries and
// mutators, and nothing else (no Next.js, no app shell, no virtualised board). Bundled by
// bench/board-floor.ts; its settings come in the query string.
import { useQuery, useZero, ZeroProvider } from '@rocicorp/zero/react';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { ZeroContext } from '../lib/auth/context.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';
import { schema } from '../zero/schema.gen.ts';

const params = new URLSearchParams(window.location.search);
const setting = (name: string) => params.get(name) ?? '';
const orgID = setting('org');
const ticketID = setting('ticket');

/** Page B: the whole board's tickets query, one ticket shown (as the board's top card). */
function Watch() {
  const [tickets] = useQuery(queries.boardTickets({ orgID, projectID: setting('project') }));
  const ticket = tickets.find((t) => t.id === ticketID);
  return (
    <div>
      <p data-testid="floor-count">{tickets.length}</p>
      <div data-testid="ticket-card" data-ticket-id={ticketID}>
        {ticket?.title}
      </div>
    </div>
  );
}

/**
 * Page A: Enter in the input renames the ticket. It holds the ticket's detail query, as the
 * app's ticket page does: the mutator reads the row on the client first ("not found" without it).
 */
function Edit() {
  const zero = useZero();
  const [title, setTitle] = useState('');
  const [ticket] = useQuery(queries.ticketDetail({ orgID, projectID: setting('project'), number: Number(setting('number')) }));
  if (!ticket) return null;
  return (
    <input
      data-testid="ticket-title-input"
      value={title}
      onChange={(e) => setTitle(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') void zero.mutate(mutators.ticket.update({ id: ticketID, title }));
      }}
    />
  );
}

// The member's own context, as the app's layout would give it (the server derives its own).
const context = JSON.parse(setting('context')) as ZeroContext;
createRoot(document.getElementById('root')!).render(
  <ZeroProvider userID={context.userID} cacheURL={setting('zero')} schema={schema} mutators={mutators} context={context}>
    {setting('mode') === 'edit' ? <Edit /> : <Watch />}
  </ZeroProvider>,
);
