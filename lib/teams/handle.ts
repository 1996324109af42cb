import { z } from 'zod';

/** @handles of members and runner teams share one namespace per organization. */
export const handleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{1,38}$/, 'Handles are 2–39 lowercase letters, digits, "-" or "_", starting with a letter or digit.');
