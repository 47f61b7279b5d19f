import type { TokenProvider } from 'click-to-call';

/** The function property every framework app sets: custom auth that fetches the token itself. */
export const tokenProvider: TokenProvider = async ({ context, signal }) => {
  const response = await fetch('/token', { method: 'POST', body: JSON.stringify({ context }), signal });
  return response.json();
};
