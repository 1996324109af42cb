import type { QueryResultType } from '@rocicorp/zero';
import type { queries } from '@/zero/queries';

export type TicketDetail = NonNullable<QueryResultType<typeof queries.ticketDetail>>;
export type ProjectWithStatuses = NonNullable<QueryResultType<typeof queries.project>>;
export type BoardTicket = QueryResultType<typeof queries.boardTickets>[number];
