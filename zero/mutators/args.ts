import { z } from 'zod';
import { ticketTypes } from '../../lib/db/board-schema.ts';

export const idArg = z.string().trim().min(1, 'An id is required.').max(100, 'Ids are at most 100 characters.');
export const rankArg = z.string().min(1).max(200);
export const titleArg = z
  .string()
  .trim()
  .min(1, 'Give the ticket a title.')
  .max(300, 'Titles are at most 300 characters.');
export const markdownArg = z.string().max(100_000, 'Text is at most 100,000 characters.');
export const ticketTypeArg = z.enum(ticketTypes, { message: `Type must be one of: ${ticketTypes.join(', ')}.` });
export const statusNameArg = z.string().trim().min(1, 'Name the column.').max(40, 'Column names are at most 40 characters.');
