/** What a ticket of an active epic run shows where its status trigger would have started a job. */
export const partOfEpicRunNotice = 'Part of the epic run';
