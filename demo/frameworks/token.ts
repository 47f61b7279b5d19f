import type { TokenProvider } from 'click-to-call';
import { TOKEN_ENDPOINT } from '../../mocks/paths.js';

/** The function property every framework app sets: custom auth that fetches the token itself. */
export const tokenProvider: TokenProvider = async ({ context, signal }) => {
  const response = await fetch(TOKEN_ENDPOINT, { method: 'POST', body: JSON.stringify({ context }), signal });
  return response.json();
};
