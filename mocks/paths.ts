// Where the simulated site and CEC answer: in a file of its own (no MSW in it), for the demo apps too.

/** Where the simulated site serves tokens. */
export const TOKEN_ENDPOINT = '/api/cec-token';

/** Where the simulated CEC lives: CEC's own path, the element's default api-base. */
export const API_BASE = '/apiaccess/ccmessaging';

export const cecPath = (operation: string) => `${API_BASE}/v1/${operation}`;
