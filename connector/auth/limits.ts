/** Largest leeway for clock differences (security-checklist JWT-05). */
export const MAX_LEEWAY_S = 60;
