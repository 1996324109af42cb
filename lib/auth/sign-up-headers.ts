/** The sign-up form sends these beside the body (Better Auth's body holds only the user's fields). */
export const setupCodeHeader = 'x-spedy-setup-code';
export const invitationHeader = 'x-spedy-invitation';
