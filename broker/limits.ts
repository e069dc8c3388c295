/** A rep's maxCustomers when neither the admin nor MAX_CUSTOMERS says otherwise. */
export const DEFAULT_MAX_CUSTOMERS = 5;
/** The most customers any rep may be allowed at once in one session (a mesh is a handful of people). */
export const MAX_CUSTOMERS_LIMIT = 100;
