/** A rep's maxCustomers when neither the admin nor MAX_CUSTOMERS says otherwise. */
export const DEFAULT_MAX_CUSTOMERS = 5;
/** The most customers any rep may be allowed at once in one session (a mesh is a handful of people). */
export const MAX_CUSTOMERS_LIMIT = 100;
/**
 * Customers waiting to be admitted by number, per session: enough for any real queue, few enough that
 * the reps' list and the broker's memory stay small when someone floods a number. A knock beyond it is
 * refused (429) until a place frees up; the reps see the `many-knocks` warning and can send a link.
 */
export const MAX_WAITING_KNOCKS = 50;
/**
 * Waiting knocks per session from one client address (an IPv6 /64 counts as one): a further knock from
 * there replaces the oldest one, so one stranger cannot fill the list (and a refreshed page replaces its own).
 */
export const MAX_WAITING_KNOCKS_PER_ADDRESS = 3;
